"""The parsed command line -> one typed Invocation (halo_lib.invocation).

The only place that reads the argparse namespace. Nothing after it sees argparse.
"""
from halo_lib.values import CONVERTERS
from halo_lib.errors import UsageError
from halo_lib.invocation import (ApiOptions, ConfigureOptions, Connection, Invocation,
                                 ListenOptions, Paging, Presentation, SandboxOptions, Writing)
from halo_lib.options import AT_BODY, FILES, GLOBAL_OPTIONS, ID_VALUES


def build(command, namespace):
    """The Invocation of the command the command line reached."""
    given = vars(namespace)
    check_text(command, given)
    value = given.get
    resource, verb = command.resource, command.verb
    ids, target, body = _ids(given), value("target"), value("body")
    if target is not None and body is None and _looks_like_body(target):
        target, body = None, target   # `update -`, `update @file`, `update '{...}'`
    if target is not None:
        ids = (_typed_id(resource, target),)
    return Invocation(
        kind=command.kind, resource=resource, verb=verb, ids=ids,
        file=value("file"), method=value("method"), path=value("path"),
        paginate=bool(value("paginate")), sql=value("sql"), checkpoint=value("checkpoint"),
        append_to=value("append_to"),
        filters=_typed(given, verb.filters + command.documented, "query") if verb else (),
        fields=_typed(given, verb.fields, "field") if verb else (),
        params=tuple(value("param") or ()), output_file=value("output_file"),
        dry_run=bool(value("dry_run")), unchecked=bool(value("unchecked")),
        writing=Writing(body=body, typed_fields=tuple(value("typed_fields") or ()),
                        raw_fields=tuple(value("raw_fields") or ()),
                        custom_fields=tuple(value("custom_fields") or ()),
                        batch_size=value("batch_size"), failed=value("failed")),
        paging=Paging(limit=value("limit"), page_size=value("page_size"),
                      concurrency=value("concurrency")),
        presentation=Presentation(format=value("output"), fields=value("fields"),
                                  query=value("query"), raw=bool(value("raw")),
                                  no_color=bool(value("no_color")), quiet=bool(value("quiet")),
                                  labels=bool(value("labels")),
                                  no_labels=bool(value("no_labels"))),
        connection=Connection(
            profile=value("profile"), url=value("url"), tenant=value("tenant"),
            client_id=value("client_id"), scope=value("scope"), timeout=value("timeout"),
            max_answer=value("max_answer"),
            retries=value("retries"), ca_bundle=value("ca_bundle"), proxy=value("proxy"),
            rate=value("rate"), insecure_http=bool(value("insecure_http")),
            verbose=bool(value("verbose")), sandbox=bool(value("sandbox")),
            rate_limit=value("rate_limit")),
        local=_local(command, given))


def _ids(given):
    if given.get("ids"):
        return tuple(given["ids"])
    return (given["id"],) if given.get("id") is not None else ()


def _typed(given, options, where):
    """(Opt, value) of each typed flag given, in the table's order."""
    found = []
    for opt in options:
        value = given.get(f"{where}:{opt.name}")
        if value not in (None, False):
            found.append((opt, value))
    return tuple(found)


def _looks_like_body(text):
    return text == "-" or text.startswith(("@", "{", "[")) or "\n" in text


def _typed_id(resource, text):
    try:
        return CONVERTERS[ID_VALUES[resource.id_type]](text)
    except ValueError:
        raise UsageError(f"invalid id {text!r} for {resource.name}") from None


def _local(command, given):
    """The typed options of a command that runs locally."""
    if command.kind is not None and command.kind.name == "listen":
        return ListenOptions(host=given.get("host") or "127.0.0.1", port=given.get("port") or 0,
                             basic_auth=given.get("basic_auth"),
                             bearer=bool(given.get("bearer")),
                             api_key_header=given.get("api_key_header"),
                             secret=given.get("secret"), count=given.get("count"),
                             deadline=given.get("deadline"))
    if command.name == "api":
        return ApiOptions(action=given["action"], words=tuple(given.get("words") or ()))
    if command.name == "configure":
        return ConfigureOptions(test=bool(given.get("test")))
    if command.name == "sandbox":
        return SandboxOptions(port=given.get("port") or 0, records=given.get("records") or 1000,
                              seed=given.get("seed", 1), latency=given.get("latency") or 0,
                              fail_rate=given.get("fail_rate") or 0.0,
                              rate_limit=given.get("rate_limit"))
    return None


def check_text(command, given):
    """Every value is valid UTF-8 (Python decodes argv with surrogateescape), except file
    names, where any bytes the file system allows are fine."""
    facts = {o.dest: o for o in (*GLOBAL_OPTIONS, *command.options(), *command.positionals)}
    for dest, value in given.items():
        option = facts.get(dest)
        if option is not None and option.complete == FILES:
            continue
        for text in _strings(value):
            if option is not None and option.complete == AT_BODY and text.startswith("@"):
                continue
            if any("\ud800" <= char <= "\udfff" for char in text):
                name = (option.flags[0] if option.flags else option.metavar) if option else dest
                raise UsageError(f"{name}: invalid UTF-8 in '{_shown(text)}'; nothing was "
                                 "sent")


def _shown(text):
    """The text with its undecodable bytes as \\xNN (and control characters escaped)."""
    from halo_lib.errors import printable
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return printable(raw.decode("utf-8", "backslashreplace"))[:200]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)

"""The executor: invocation -> plan -> (--dry-run: the requests | the answers) -> status.

The one place that decides on --dry-run, opens and closes the output and turns a plan's
outcome into the exit status. Kinds plan; plans send and present; nothing else prints a
request or closes the output.
"""
import orjson

from halo_lib.errors import OutputError
from halo_lib.io.output import Output
from halo_lib.run.factory import Factory


def run(invocation, streams, settings=None, transport=None):
    """Run one invocation; returns the exit status. settings/transport: injected by tests."""
    needs = ("url",) if invocation.dry_run else ("url", "client_id", "client_secret")
    env = Factory(streams, invocation.connection, needs, settings, transport)
    try:
        return execute(invocation, env)
    finally:
        env.close()


def execute(invocation, env):
    output = _output(invocation, env)
    env.concurrency = invocation.paging.concurrency
    lookups, pending = (), {}
    if _has_names(invocation):   # names become ids before anything of the command is sent
        from halo_lib.run import names
        if invocation.dry_run:
            invocation, lookups, pending = names.unresolved(invocation, env)
        else:
            invocation = names.resolve(invocation, env)
    plan = invocation.kind.plan(invocation, env)
    try:
        if invocation.dry_run:
            base = None if plan.local else env.settings.url
            env.streams.write(b"".join(orjson.dumps(line) + b"\n"
                                       for line in _described(plan, base, lookups, pending)))
            return 0
        output.single_object = plan.single_object
        return _run(plan, env, output)
    finally:
        plan.release()


def _run(plan, env, output):
    """Run the plan, close the output (also after one of the plan's own stops, such as an
    interrupted bulk write) with signals held back, and let the plan settle the status."""
    code = stop = close_error = None
    try:
        code = plan.run(env, output)
    except plan.stops as exc:
        stop = exc
    with env.streams.deferred():
        if plan.records or output.opened:
            try:
                output.close()
            except (BrokenPipeError, OutputError) as exc:
                close_error = exc
        return plan.settle(env, code, stop, close_error)


def _has_names(invocation):
    from halo_lib.values import Name, Names
    return any(isinstance(value, (Name, Names))
               for _, value in invocation.filters + invocation.fields)


def _described(plan, base, lookups, pending):
    """--dry-run's lines: the lookups names need, then the plan's requests, each marked
    with the values still to be resolved."""
    lines = [{**request.describe(base), "lookup": True} for request in lookups]
    for line in plan.describe(base):
        if pending and isinstance(line, dict) and "method" in line:
            line = {**line, "unresolved": pending}
        lines.append(line)
    return lines


def _output(invocation, env):
    """The output the invocation asks for; a bad --query or format is exit 2 or 3 before
    anything is planned."""
    from halo_lib.config import output_format
    from halo_lib.run.labels import Labeller, wanted
    shown, kind, streams = invocation.presentation, invocation.kind, env.streams
    columns = invocation.resource.columns if kind.resource_records else ()
    fmt = output_format(shown.format, invocation.connection.profile, streams.env)
    output = Output(streams, shown.query, shown.raw, fmt, fields=shown.fields,
                    defaults=columns, no_color=shown.no_color)
    labels = wanted(fmt, shown.labels, shown.no_labels, output.fields or output.defaults,
                    shown.query)
    if labels and not invocation.dry_run:
        output.label = Labeller(env, labels, beside=fmt not in ("table", "csv", "tsv"))
    return output

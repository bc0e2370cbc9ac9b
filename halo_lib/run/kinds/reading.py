"""Kinds that read: list (a stream of pages), get (records by id) and me (one document)."""
from halo_lib.options import (append_to_option, checkpoint_option, param_option,
                              paging_options)
from halo_lib.resources import UPDATED_FROM
from halo_lib.run.kinds.base import Kind, query_params


def _checkpoints(verb):
    """Whether a list can resume from a checkpoint: it filters by last update."""
    return any(o.name == UPDATED_FROM for o in verb.filters)


class List(Kind):
    name = "list"
    filter_title = "filters"
    example_rank = 0
    resource_records = True

    def options(self, resource, verb):
        found = paging_options()
        if _checkpoints(verb):
            found += [checkpoint_option(), append_to_option()]
        return found + [param_option()]

    def plan(self, inv, env):
        from halo_lib.http.api import Request
        from halo_lib.run.plans import Stream
        params = query_params(inv, env)
        checkpoint = None
        if inv.append_to is not None and not inv.checkpoint:
            from halo_lib.errors import UsageError
            raise UsageError("--append-to commits the records with --checkpoint FILE: give "
                             "both (without a checkpoint, redirect stdout instead)")
        if inv.checkpoint:
            from halo_lib.run.checkpoint import Checkpoint, check_usable
            check_usable(inv)
            checkpoint = Checkpoint(inv.checkpoint, env.streams.now)
            params += checkpoint.params()
        resource = inv.resource
        stream = Stream(Request("GET", inv.verb.path, params), resource.key, resource.paged,
                        inv.paging, quiet=inv.presentation.quiet, cap=resource.page_cap,
                        what=resource.name)
        if checkpoint is None:
            return stream
        from halo_lib.run.checkpoint import Checkpointed
        appending = None
        if inv.append_to is not None:
            from halo_lib.run.appending import Appending
            appending = Appending(inv.append_to)
        return Checkpointed(checkpoint, stream, appending)

    def examples(self, s, verb):
        examples = [(f"Stream {s.name} into jq, stopping after 100 records:",
                     f"halo -o ndjson {s.name} list {s.narrow}--limit 100 | jq -c ."),
                    ("Print only their ids, one per line:",
                     f"halo {s.name} list {s.narrow}--query id --raw")]
        if _checkpoints(verb):
            examples += [("Those changed in the last 24 hours:",
                          f"halo {s.name} list --updated-since 24h"),
                         ("Those changed since the last successful run (for cron):",
                          f"halo -o ndjson {s.name} list --checkpoint ~/.local/state/halo/{s.name}.since"
                          f" --append-to {s.name}.ndjson")]
        return examples


class ById(Kind):
    """get and delete: one request per id, '-' for ids on stdin (halo_lib.run.many)."""

    deleting = False

    def plan(self, inv, env):
        from halo_lib.run.many import ByIds, collect_ids
        from halo_lib.values import CONVERTERS
        from halo_lib.options import ID_VALUES
        convert = CONVERTERS[ID_VALUES[inv.resource.id_type]]
        ids = collect_ids(list(inv.ids), convert, env.streams)
        single = "-" not in inv.ids and len(ids) == 1
        return ByIds(inv.resource, inv.verb.path, ids, query_params(inv, env), self.deleting,
                     single)


class Get(ById):
    name = "get"
    example_rank = 1
    resource_records = True

    example_lines = (
        ("Show one record of {name} as indented JSON:", "halo -o ndjson {name} get {one} | jq ."),
        ("Show several, in the order given, the ids read from a file:",
         "halo {name} get - < ids.txt"))


class Delete(ById):
    name = "delete"
    example_rank = 4
    deleting = True

    example_lines = (
        ("Delete two records:", "halo {name} delete {one} {two}"),
        ("See what deleting every record a list finds would send:",
         "halo -o ndjson {name} list {narrow}--query id --raw | halo --dry-run {name} delete -"))


class Me(Kind):
    name = "me"
    example_rank = 5
    resource_records = True

    def plan(self, inv, env):
        from halo_lib.http.api import Request
        from halo_lib.run.plans import Document
        return Document(Request("GET", inv.verb.path, query_params(inv, env)),
                        f"{inv.resource.name} me")

    example_lines = (("Show the record of the caller:", "halo {name} me"),)


class Report(Kind):
    """reports run ID: the report run, its rows as records."""

    name = "report"
    example_rank = 8

    def plan(self, inv, env):
        from halo_lib.run.reports import Rows, report_request, with_period
        params = with_period(query_params(inv, env), env.streams.now())
        return Rows(report_request(inv.verb.path, inv.id, params), f"report {inv.id}")

    example_lines = (("Run a report for a period and keep its rows as NDJSON:",
                      "halo -o ndjson {name} {verb} {one} --from 30d --to 2026-11-30 > rows.ndjson"),)

"""Kinds that read: list (a stream of pages), get and me (one document)."""
from halo_lib.options import param_option, paging_options
from halo_lib.run.kinds.base import Kind, query_params


class List(Kind):
    name = "list"
    filter_title = "filters"
    example_rank = 0

    def options(self, resource, verb):
        return paging_options() + [param_option()]

    def plan(self, inv, env):
        from halo_lib.http.api import Request
        from halo_lib.run.plans import Stream
        request = Request("GET", inv.verb.path, query_params(inv))
        return Stream(request, inv.resource.key, inv.resource.paged, inv.paging,
                      quiet=inv.presentation.quiet)

    def examples(self, s, verb):
        return [(f"Stream {s.name} into jq, stopping after 100 records:",
                 f"halo {s.name} list {s.narrow}--limit 100 | jq -c ."),
                ("Print only their ids, one per line:",
                 f"halo {s.name} list {s.narrow}--query id --raw")]


class Get(Kind):
    name = "get"
    example_rank = 1

    def plan(self, inv, env):
        from halo_lib.http.api import Request, path_with_id
        from halo_lib.run.plans import Document
        request = Request("GET", path_with_id(inv.verb.path, inv.id), query_params(inv))
        return Document(request, f"{inv.resource.name} {inv.id}")

    def examples(self, s, verb):
        return [(f"Show one record of {s.name} as indented JSON:",
                 f"halo {s.name} get {s.one} | jq .")]


class Me(Kind):
    name = "me"
    example_rank = 5

    def plan(self, inv, env):
        from halo_lib.http.api import Request
        from halo_lib.run.plans import Document
        return Document(Request("GET", inv.verb.path, query_params(inv)),
                        f"{inv.resource.name} me")

    def examples(self, s, verb):
        return [("Show the record of the caller:", f"halo {s.name} me")]

"""Kinds that send one request and print its answer as it comes: a named endpoint of a
resource (call), and any endpoint at all (request)."""
from halo_lib.errors import UsageError
from halo_lib.options import (API_PATHS, body_positional, field_setters, output_file_option,
                              paging_options, param_option)
from halo_lib.run.kinds.base import Kind, id_positionals, query_params


class Call(Kind):
    name = "call"

    def positionals(self, resource, verb):
        body = [body_positional()] if verb.body else []
        return id_positionals(resource, verb) + body

    def options(self, resource, verb):
        found = field_setters() if verb.body else []
        if verb.binary:
            found.append(output_file_option())
        return found + [param_option()]

    def plan(self, inv, env):
        from halo_lib.http.api import Request, path_with_id
        from halo_lib.run.plans import Answer
        from halo_lib.run.records import input_records
        verb = inv.verb
        path = path_with_id(verb.path, inv.id) if verb.ids == "one" else verb.path
        body = None
        if verb.ids == "list":
            body = list(inv.ids)
        elif verb.body:
            records = input_records(inv, env.streams, required=verb.body != "optional")
            if records is not None:
                if verb.body == "object" and len(records) != 1:
                    raise UsageError(f"{verb.name} takes one object, BODY holds {len(records)}")
                body = records[0] if verb.body == "object" else records
        return Answer(Request(verb.method, path, query_params(inv, env), body),
                      target=inv.output_file, file_expected=verb.binary)

    def example_key(self, verb):
        """A call that answers with the file of one record shows as a download."""
        return "download" if verb.binary and verb.ids == "one" else None

    example_rank = 7

    example_lines = (("Save a file answer:", "halo {name} {verb} {one} -O out.bin"),)


class Request(Kind):
    name = "request"

    def positionals(self, resource, verb):
        from halo_lib.options import Option
        return [Option((), "method", "GET, POST, PUT, PATCH or DELETE", value="upper",
                       metavar="METHOD", choices=("GET", "POST", "PUT", "PATCH", "DELETE")),
                Option((), "path", "path under /api, e.g. /Tickets/123", metavar="PATH",
                       complete=API_PATHS),
                body_positional("'-' for stdin, @FILE, or JSON text")]

    def options(self, resource, verb):
        return (paging_options(with_paginate=True)
                + [output_file_option("write a file answer here")] + field_setters()
                + [param_option("add a query parameter (repeatable)")])

    def plan(self, inv, env):
        from halo_lib.http.api import Request as Planned, api_path
        from halo_lib.run.plans import Answer, Stream
        from halo_lib.run.records import request_document
        path, params = api_path(inv.path, env.settings.url)
        params += list(inv.params)
        if not inv.unchecked:
            from halo_lib.run.checks import check_query, warn_unknown_path
            warn_unknown_path(inv.method, path, env.streams)
            check_query(inv.method, path, [name for name, _ in params])
        body = None
        if inv.writing.body is not None or inv.writing.has_pairs:
            body = request_document(inv, env.streams)
        request = Planned(inv.method, path, params, body)
        if inv.paginate:
            if inv.method != "GET":
                raise UsageError("--paginate goes with GET")
            return Stream(request, None, True, inv.paging, quiet=inv.presentation.quiet)
        return Answer(request, target=inv.output_file, stream_arrays=False)


class Sql(Kind):
    """sql QUERY: an ad-hoc query run as a report, its rows as records."""

    name = "sql"

    def positionals(self, resource, verb):
        from halo_lib.options import Option
        return [Option((), "sql", "the SQL text, '-' to read it from stdin, or @FILE",
                       metavar="QUERY")]

    def options(self, resource, verb):
        return []

    def plan(self, inv, env):
        from halo_lib.run.reports import Rows, read_query, sql_request
        return Rows(sql_request(read_query(inv.sql, env.streams)), "sql")

"""Kinds that write: create and update (records POSTed in batches, each accounted for)."""
from halo_lib.errors import UsageError
from halo_lib.options import (batch_options, body_positional, custom_field_option,
                              field_setters, param_option)
from halo_lib.run.kinds.base import Kind, field_values, id_positionals, query_params

DEFAULT_BATCH = 50


class _Write(Kind):
    creating = True
    resource_records = True

    def positionals(self, resource, verb):
        return id_positionals(resource, verb) + [body_positional()]

    def options(self, resource, verb):
        custom = [custom_field_option()] if verb.custom_fields else []
        return field_setters() + custom + batch_options() + [param_option()]

    def plan(self, inv, env):
        from halo_lib.io.bodies import RecordSource, apply_fields
        from halo_lib.run.bulk import Bulk
        writing, streams = inv.writing, env.streams
        if not inv.unchecked:     # the names typed here; records read from BODY are not
            from halo_lib.run.checks import check_fields
            check_fields(inv.verb.method, inv.verb.path,
                         [key for key, _ in writing.typed_fields + writing.raw_fields])
        flags = field_values(inv, streams.now)

        def fields(records):
            return apply_fields(records, writing.typed_fields, writing.raw_fields, flags,
                                streams)
        body = writing.body
        if body is None:
            if not (flags or writing.has_pairs):
                raise UsageError(f"nothing to send: give BODY ('-', @FILE or JSON) or "
                                 f"fields (see 'halo {inv.command} --help')")
            body = "{}"
        # Read and checked whole here, before anything is sent; streamed by the plan.
        source = RecordSource(body, streams, fields, self.check(inv))
        try:
            self.checked(inv, source)
        except BaseException:
            source.close()
            raise
        return Bulk(source, inv.verb.path, query_params(inv, env), self.creating,
                    writing.batch_size or DEFAULT_BATCH, writing.failed,
                    single=bool(inv.ids))

    def check(self, inv):
        """check(record, number): raises UsageError about one record, as it will be sent."""
        return None

    def checked(self, inv, source):
        """The source as a whole, once read."""


class Create(_Write):
    name = "create"
    example_rank = 2

    def check(self, inv):
        def check(record, number):
            if record.get("id") not in (None, 0, ""):
                raise UsageError(f"record {number} has an id: create makes new records; use "
                                 f"'halo {inv.resource.name} update' to change existing ones")
        return check

    def examples(self, s, verb):
        if not s.field:
            return []
        return [("Create a record from flags:", f"halo {s.name} create {s.flag_words(s.field)}"),
                ("Create one record per line of an NDJSON file, keeping the refused ones:",
                 f"halo {s.name} create @new.ndjson --failed refused.ndjson")]


class Update(_Write):
    name = "update"
    creating = False
    example_rank = 3

    def check(self, inv):
        def check(record, number):
            if not inv.ids and record.get("id") in (None, "", 0):
                raise UsageError(f"record {number} has no id: give ID, or an id in every "
                                 "record (nothing was sent)")
        return check

    def checked(self, inv, source):
        """update ID: one record, sent with that id."""
        if not inv.ids:
            return
        if source.count != 1:
            raise UsageError(f"update ID takes one record, BODY holds {source.count}; "
                             "leave out ID and give each record its id")
        record_id, base = inv.id, source.fields
        source.fields = lambda records: [{**r, "id": record_id} for r in base(records)]

    def examples(self, s, verb):
        if not s.field:
            return []
        return [("Update one record:",
                 f"halo {s.name} update {s.one} -F {s.assignment(s.field)}"),
                ("Update every record a list finds:",
                 f"halo -o ndjson {s.name} list {s.narrow}| jq -c '{{id, {s.field.name}: "
                 f"{s.json(s.field)}}}' | halo {s.name} update -")]

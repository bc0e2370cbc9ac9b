"""Kinds that write: create and update (records POSTed in batches, each accounted for)."""
from halo_lib.errors import UsageError
from halo_lib.options import (batch_options, body_positional, custom_field_option,
                              field_setters, param_option)
from halo_lib.run.kinds.base import Kind, id_positionals, query_params
from halo_lib.run.records import read_records

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
        from halo_lib.http.api import Request
        from halo_lib.io.bodies import batches
        from halo_lib.run.batches import Batches
        records, one = read_records(inv, env.streams, required=True)
        records = self.checked(inv, records)
        size = inv.writing.batch_size or DEFAULT_BATCH
        params = query_params(inv, env)
        plan = Batches([Request("POST", inv.verb.path, params, batch)
                        for batch in batches(records, size)],
                       creating=self.creating, failed_path=inv.writing.failed)
        # -o json: the answer to one object is that object; to an array or NDJSON, an array.
        plan.single_object = one
        return plan

    def checked(self, inv, records):
        return records


class Create(_Write):
    name = "create"
    example_rank = 2

    def checked(self, inv, records):
        with_id = [i for i, r in enumerate(records, 1) if r.get("id") not in (None, 0, "")]
        if with_id:
            raise UsageError(f"record {with_id[0]} has an id: create makes new records; "
                             f"use 'halo {inv.resource.name} update' to change existing ones")
        return records

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

    def checked(self, inv, records):
        if inv.ids:
            if len(records) != 1:
                raise UsageError(f"update ID takes one record, BODY holds {len(records)}; "
                                 "leave out ID and give each record its id")
            records = [{**records[0], "id": inv.id}]
        missing = [i for i, r in enumerate(records, 1) if r.get("id") in (None, "", 0)]
        if missing:
            raise UsageError(f"record {missing[0]} has no id: give ID, or an id in every "
                             "record (nothing was sent)")
        return records

    def examples(self, s, verb):
        if not s.field:
            return []
        return [("Update one record:",
                 f"halo {s.name} update {s.one} -F {s.assignment(s.field)}"),
                ("Update every record a list finds:",
                 f"halo {s.name} list {s.narrow}| jq -c '{{id, {s.field.name}: "
                 f"{s.json(s.field)}}}' | halo {s.name} update -")]

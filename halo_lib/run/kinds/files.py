"""Kinds that move attachment files: upload and download."""
from halo_lib.errors import UsageError
from halo_lib.options import FILES, Option, field_setters, output_file_option, param_option
from halo_lib.run.kinds.base import Kind, field_values, id_positionals, query_params


class Upload(Kind):
    name = "upload"
    example_rank = 6

    def positionals(self, resource, verb):
        return [Option((), "file", "the file to upload", metavar="FILE", complete=FILES)] \
            + id_positionals(resource, verb)

    def options(self, resource, verb):
        return field_setters() + [param_option()]

    def plan(self, inv, env):
        from halo_lib.io.bodies import apply_fields
        from halo_lib.run import attachments
        data = attachments.read_upload(inv.file)
        fields = field_values(inv, env.streams.now)
        if fields.get("ticket_id") is None:
            raise UsageError("upload needs --ticket-id")
        description = attachments.upload_description(inv.file, fields)
        description = apply_fields([description], inv.writing.typed_fields,
                                   inv.writing.raw_fields, {}, env.streams)[0]
        return attachments.Upload(inv.file, data, description, query_params(inv, env))

    def examples(self, s, verb):
        flag = " " + s.flag_words(verb.fields[0]) if verb.fields else ""
        return [("Attach a file:", f"halo {s.name} {verb.name} report.pdf{flag}")]


class Download(Kind):
    name = "download"
    example_rank = 7

    def options(self, resource, verb):
        return [output_file_option(), param_option()]

    def plan(self, inv, env):
        from halo_lib.run.attachments import Download as Plan
        if not inv.output_file and env.streams.stdout_tty:
            raise UsageError("the attachment is a file: give -O FILE, or redirect stdout")
        return Plan(inv.id, query_params(inv, env), inv.output_file)

    def example_key(self, verb):
        return "download"

    example_lines = (("Save a file answer:", "halo {name} {verb} {one} -O out.bin"),)

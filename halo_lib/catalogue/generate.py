"""Make halo's catalogue from an OpenAPI document of Halo's API.

    python -m halo_lib.catalogue.generate OPENAPI.json [-o halo_lib/catalogue/halo-api.json]

writes the operations to the -o file and the body schemas beside it (NAME-schemas.json),
so that checking a query parameter reads the smaller file alone.

The catalogue keeps facts only: for every path and method its group, its path and query
parameters (name, where, value kind, enum values) and the top-level fields of its body
(name, value kind, enum values). None of the document's prose is kept. Value kinds are the
names halo uses for its own options: int, str, bool, float, time, uuid, ints, bytes, array,
object. The output is deterministic (sorted keys, compact), so regenerating from the same
document gives the same bytes.
"""
import hashlib
import json
import sys
from pathlib import Path

DEFAULT_OUT = Path(__file__).with_name("halo-api.json")
METHODS = ("get", "post", "put", "patch", "delete")

# (type, format) of a schema -> halo's value kind. The document spells some types the
# C# way (int, bool, double, DateTime, List<int>); both spellings mean the same.
KINDS = {
    ("integer", None): "int", ("integer", "int32"): "int", ("integer", "int64"): "int",
    ("int", None): "int", ("number", None): "float", ("number", "double"): "float",
    ("number", "float"): "float", ("double", None): "float", ("boolean", None): "bool",
    ("bool", None): "bool", ("string", None): "str", ("string", "date-time"): "time",
    ("DateTime", None): "time", ("string", "uuid"): "uuid", ("string", "byte"): "bytes",
    ("string", "binary"): "bytes", ("string", "uri"): "str", ("string", "date-span"): "str",
    ("List<int>", None): "ints", ("array", None): "array", ("object", None): "object",
    ("obj", None): "object", (None, None): "str",
}


def kind_of(schema, schemas):
    """The value kind of a schema, with its enum values when it has them."""
    ref = schema.get("$ref")
    if ref:
        target = schemas[ref.rsplit("/", 1)[1]]
        if "enum" in target:
            return [kind_of({k: v for k, v in target.items() if k != "enum"}, schemas),
                    target["enum"]]
        return "object"
    kind = KINDS.get((schema.get("type"), schema.get("format")))
    if kind is None:
        kind = KINDS.get((schema.get("type"), None), "str")
    if "enum" in schema:
        return [kind, schema["enum"]]
    return kind


def parameter(param, schemas):
    kind = kind_of(param.get("schema", {}), schemas)
    if isinstance(kind, list):
        return [param["name"], param["in"], kind[0], kind[1]]
    return [param["name"], param["in"], kind]


def body(operation, schemas, used):
    """[shape, what] of a request body: shape array/object/value; what a schema name
    (recorded in `used`) or a value kind."""
    content = (operation.get("requestBody") or {}).get("content") or {}
    if not content:
        return None
    schema = next(iter(content.values())).get("schema", {})
    shape = "value"
    if schema.get("type") == "array":
        shape, schema = "array", schema.get("items", {})
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[1]
        if "enum" not in schemas[name]:
            used.add(name)
            return [shape if shape == "array" else "object", name]
    kind = kind_of(schema, schemas)
    return [shape, kind if isinstance(kind, str) else kind[0]]


def fields(schema, schemas):
    return {name: kind_of(prop, schemas)
            for name, prop in sorted((schema.get("properties") or {}).items())}


def build(document, source_bytes):
    schemas = document.get("components", {}).get("schemas", {})
    used, operations, count = set(), {}, 0
    for path, item in sorted(document["paths"].items()):
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            count += 1
            # The document repeats some parameters; a name is one parameter per place.
            params = {(p["name"], p["in"]): parameter(p, schemas)
                      for p in shared + op.get("parameters", [])}
            entry = {"group": (op.get("tags") or [path.strip("/").split("/")[0]])[0],
                     "params": sorted(params.values())}
            shape = body(op, schemas, used)
            if shape:
                entry["body"] = shape
            operations.setdefault(path, {})[method.upper()] = entry
    return {
        "source": {"title": document.get("info", {}).get("title"),
                   "version": document.get("info", {}).get("version"),
                   "sha256": hashlib.sha256(source_bytes).hexdigest(),
                   "paths": len(operations), "operations": count},
        "schemas": {name: fields(schemas[name], schemas) for name in sorted(used)},
        "operations": operations,
    }


USAGE = "usage: python -m halo_lib.catalogue.generate OPENAPI.json [-o OUT]"


def main(argv=None):
    # Two arguments do not need argparse, which only the command-line layer imports.
    argv = sys.argv[1:] if argv is None else argv
    output = DEFAULT_OUT
    if len(argv) == 3 and argv[1] in ("-o", "--output"):
        argv, output = argv[:1], Path(argv[2])
    if len(argv) != 1 or argv[0].startswith("-"):
        sys.exit(USAGE)
    raw = Path(argv[0]).read_bytes()
    catalogue = build(json.loads(raw), raw)
    schemas = catalogue.pop("schemas")
    size = 0
    for path, data in ((output, catalogue), (schemas_path(output), schemas)):
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        size += len(text)
    src = catalogue["source"]
    print(f"{output}: {src['paths']} paths, {src['operations']} operations, "
          f"{len(schemas)} body schemas, {size:,} bytes", file=sys.stderr)


def schemas_path(output):
    """Where the body schemas go: beside the operations, NAME-schemas.json."""
    return output.with_name(output.stem + "-schemas" + output.suffix)


if __name__ == "__main__":
    main()

"""Body fields of the wrong type are refused, as a real tenant refuses them.

Halo binds a POSTed record to typed fields: `"priority_id": "urgent"` cannot become a
number, and the whole request is answered 400. A rehearsal against the sandbox must fail
the same way, or it passes a record a tenant would refuse. Halo's binder converts what it
can (a number in a string, a number or a boolean for a text field), so those pass here; a
list or an object binds only to a field documented as one.

type_problems() takes any field -> type mapping: the types of halo_lib.resources (int,
float, bool, str, date, time, uuid, ints) and the kinds of halo_lib.catalogue, which adds
array and object (bytes is not checked); fields it does not name are not checked.
"""

_WHAT = {"int": "a whole number", "float": "a number", "bool": "true or false",
         "str": "text", "date": "an ISO 8601 date", "time": "an ISO 8601 date-time",
         "uuid": "a UUID", "ints": "a list of whole numbers", "array": "a list",
         "object": "an object"}


def documented_types(path):
    """{field: kind} of the records Halo's API document says a POST to PATH takes ({} when
    it says nothing); an enumeration's values are left out, its kind kept."""
    from halo_lib.catalogue import catalogue
    operation = catalogue().find("POST", path)
    fields = operation.body_fields() if operation else {}
    return {name: kind[0] if isinstance(kind, list) else kind for name, kind in fields.items()}


def type_problems(fields, types):
    """One 'field: expected ..., got ...' line for each field Halo could not bind."""
    problems = []
    for name, value in fields.items():
        kind = types.get(name)
        if kind is None or value is None or _fits(value, kind):
            continue
        problems.append(f"{name}: expected {_WHAT.get(kind, kind)}, got {_shown(value)}")
    return problems


def _fits(value, kind):
    check = _CHECKS.get(kind)
    return check is None or check(value)


def _is_int(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.strip().lstrip("-").isdigit()


def _is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def _is_bool(value):
    return isinstance(value, bool) or (isinstance(value, str)
                                       and value.lower() in ("true", "false"))


def _is_text(value):
    return not isinstance(value, (dict, list))


def _is_date(value):
    from datetime import datetime
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _is_uuid(value):
    import uuid
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _is_ints(value):
    if isinstance(value, list):
        return all(_is_int(item) for item in value)
    return isinstance(value, str) and all(_is_int(p) for p in value.split(",") if p.strip())


def _is_array(value):
    return isinstance(value, list)


def _is_object(value):
    return isinstance(value, dict)


_CHECKS = {"int": _is_int, "float": _is_number, "bool": _is_bool, "str": _is_text,
           "date": _is_date, "time": _is_date, "uuid": _is_uuid, "ints": _is_ints,
           "array": _is_array, "object": _is_object}


def _shown(value):
    import json
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"

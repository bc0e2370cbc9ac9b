"""The catalogue of Halo's API: made from the document, in step with the resource table."""
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from halo_lib.catalogue import DATA, KNOWN_ELSEWHERE, SCHEMAS, catalogue, closest
from halo_lib.resources import RESOURCES


def named_operations():
    for resource in RESOURCES:
        for verb in resource.verbs():
            if verb.kind != "listen":       # a server of ours, not an endpoint of Halo's
                yield resource.name, verb


def test_every_named_verb_is_in_the_catalogue_or_a_known_exception():
    cat = catalogue()
    for name, verb in named_operations():
        op = cat.find(verb.method, verb.path)
        assert op is not None, (name, verb.name, verb.method, verb.path)
        assert op.path == verb.path, (name, verb.name, op.path)
        assert op.checked == ((verb.method, verb.path) not in KNOWN_ELSEWHERE)


def test_every_known_exception_is_used_and_absent_from_the_document():
    operations = json.loads(DATA.read_bytes())["operations"]
    used = {(verb.method, verb.path) for _, verb in named_operations()}
    for method, path in KNOWN_ELSEWHERE:
        assert (method, path) in used, (method, path)
        assert method not in operations.get(path, {}), (method, path)


def test_the_catalogue_counts_what_the_document_describes():
    source = catalogue().source
    assert (source["paths"], source["operations"]) == (808, 1216)
    assert len(list(catalogue().operations())) == 1216 + len(KNOWN_ELSEWHERE)


def test_concrete_paths_find_their_template_and_literals_win():
    cat = catalogue()
    assert cat.find("get", "/api/tickets/12?x=1").path == "/Tickets/{id}"
    assert cat.find("POST", "/Tickets/View").path == "/Tickets/View"
    assert cat.find("GET", "/NoSuchThing") is None
    assert cat.find("DELETE", "/Tickets/vote") is None


def test_close_names_are_suggested():
    names = catalogue().find("GET", "/Tickets").query_names()
    assert closest("clinet_id", names)[0] == "client_id"


def test_facts_only_and_small():
    raw, schemas = DATA.read_bytes(), SCHEMAS.read_bytes()
    assert len(gzip.compress(raw)) + len(gzip.compress(schemas)) < 300_000
    data = json.loads(raw)
    assert set(data) == {"source", "operations"}
    data["schemas"] = json.loads(schemas)
    words = set()

    def walk(value):
        if isinstance(value, dict):
            words.update(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            words.add(value)
    for methods in data["operations"].values():
        for entry in methods.values():
            assert set(entry) <= {"group", "params", "body"}
    walk(data["operations"])
    walk(data["schemas"])
    assert max(len(w) for w in words) < 80      # names and kinds, never sentences


@pytest.mark.skipif(not os.environ.get("HALO_OPENAPI"),
                    reason="HALO_OPENAPI names no copy of Halo's API document")
def test_the_generator_makes_the_committed_catalogue(tmp_path):
    out = tmp_path / "halo-api.json"
    subprocess.run([sys.executable, "-m", "halo_lib.catalogue.generate",
                    os.environ["HALO_OPENAPI"], "-o", str(out)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    assert out.read_bytes() == DATA.read_bytes()
    assert (tmp_path / "halo-api-schemas.json").read_bytes() == SCHEMAS.read_bytes()

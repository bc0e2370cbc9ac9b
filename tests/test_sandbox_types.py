"""The sandbox's generated records carry the types Halo's API document gives their fields,
so a record listed from the sandbox can be posted back as a tenant would take it."""

import pytest

from halo_lib.resources import RESOURCES
from halo_lib.sandbox import Sandbox
from halo_lib.sandbox.types import documented_types, type_problems
from test_sandbox_server import Api


@pytest.fixture(scope="module")
def api():
    with Sandbox(records=300, seed=3) as sandbox:
        client = Api(sandbox)
        yield client
        client.close()


def listed(api, resource, **params):
    answer = api.get("/api" + resource.path, **params)
    return answer if isinstance(answer, list) else answer[resource.key]


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_every_generated_record_has_the_documented_type_in_every_field(api, resource):
    """Every field of every record of a list page (and of one record read in full) is
    checked: a field Halo documents for the POST holds a value of that type."""
    types = documented_types(resource.path)
    records = listed(api, resource, pageinate="true", page_size=100)
    first = records[0]["id"]
    records.append(api.get(f"/api{resource.path}/{first}", includedetails="true"))
    assert records
    problems = {problem for record in records for problem in type_problems(record, types)}
    assert not problems, sorted(problems)


def test_the_check_sees_every_resource_but_the_undocumented_expense_post():
    """A guard on the test above: an empty map of types would check nothing."""
    unchecked = [r.name for r in RESOURCES if not documented_types(r.path)]
    assert unchecked == ["expenses"]

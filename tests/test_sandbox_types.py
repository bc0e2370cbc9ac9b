"""The sandbox's generated records carry the types Halo's API document gives their fields,
so a record listed from the sandbox can be posted back as a tenant would take it."""

from contextlib import closing

import pytest

from halo_lib.resources import RESOURCES
from halo_lib.sandbox import Sandbox
from halo_lib.sandbox.types import documented_types, type_problems
from test_sandbox_server import Api, api_path, records_of


@pytest.fixture(scope="module")
def api():
    with Sandbox(records=300, seed=3) as sandbox, closing(Api(sandbox)) as client:
        yield client


def every_record(api, resource):
    """Every record of the resource's list, page by page where it pages."""
    if not resource.paged:
        return records_of(api.get(api_path(resource)), resource)
    records, page = [], 1
    while True:
        answer = api.get(api_path(resource), pageinate="true", page_size=100, page_no=page)
        if isinstance(answer, list):      # a list Halo serves whole, pages asked or not
            return answer
        records += records_of(answer, resource)
        if len(records) >= answer["record_count"]:
            return records
        page += 1


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_every_generated_record_has_the_documented_type_in_every_field(api, resource):
    """Every field of every record (and of the first record read in full) is checked: a
    field Halo documents for the resource's POST holds a value of that type."""
    types = documented_types(resource.path)
    records = every_record(api, resource)
    assert records
    records.append(api.get(f"{api_path(resource)}/{records[0]['id']}", includedetails="true"))
    problems = {problem for record in records for problem in type_problems(record, types)}
    assert not problems, sorted(problems)


def test_the_check_sees_every_resource_but_the_undocumented_expense_post():
    """A guard on the test above: an empty map of types would check nothing."""
    unchecked = [r.name for r in RESOURCES if not documented_types(r.path)]
    assert unchecked == ["expenses"]

"""The query string of every request is urlencode's, byte for byte: the plain names and
values of a page request are joined as they are, anything else goes through urlencode."""
from urllib.parse import urlencode

from hypothesis import given, strategies as st

from halo_lib.http.api import Request, query_string

TEXT = st.text(alphabet="aZ09_.-~ +&=%é/?#\x00'\"", max_size=6)
VALUE = st.one_of(TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
                  st.binary(max_size=3))


@given(st.lists(st.tuples(TEXT, VALUE), min_size=1, max_size=5))
def test_the_query_string_is_urlencodes(params):
    assert query_string(params) == urlencode(params)


def test_a_page_request_url_is_as_halo_sends_it():
    request = Request("GET", "/Tickets", [("search", "a b&c"), ("client_id", 12)])
    page = request.with_params([("pageinate", "true"), ("page_size", 100), ("page_no", 3)])
    assert page.url("https://x.example") == (
        "https://x.example/api/Tickets?search=a+b%26c&client_id=12&pageinate=true"
        "&page_size=100&page_no=3")

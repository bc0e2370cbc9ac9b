"""Each id is written once however pages repeat records: ids in runs and scattered, the
same id twice on one page or pages apart, string, negative and boolean ids, and records
with no id at all (always written). A real server answers the pages; halo runs whole."""
import json
import random

from werkzeug.wrappers import Response


def served_pages():
    """Pages of 100 (the last shorter) mixing every kind of id; the answer a reader expects."""
    rng = random.Random(9)
    pages = [[{"id": n} for n in range(1, 101)],                       # a run
             [{"id": n} for n in rng.sample(range(101, 5000), 100)],   # scattered
             [{"id": n} for n in range(150, 250)]]                     # half written before
    odd = [{"id": 7}, {"id": "7"}, {"id": "7"}, {"id": -3}, {"id": -3}, {"id": True},
           {"id": True}, {"id": 2.5}, {"id": None}, {"summary": "no id"}, {"id": 1 << 30},
           {"id": 1 << 30}, {"id": 6000}, {"id": 6000}]
    pages.append(odd + [{"id": n} for n in range(6001, 6087)])
    pages.append([{"id": n} for n in range(8099, 7999, -1)])           # a run backwards
    shuffled = list(range(7020, 7120))                                   # a run shuffled,
    rng.shuffle(shuffled)                                                # partly on the next
    pages.append([{"id": n} for n in shuffled])
    pages.append([{"id": n} for n in range(7000, 7040)])
    seen, expected = set(), []
    for page in pages:
        for record in page:
            key = record.get("id")
            if isinstance(key, (int, str)) and not isinstance(key, bool):
                if key in seen:
                    continue
                seen.add(key)
            expected.append(record)
    return pages, expected


def test_each_id_is_written_once_whatever_the_kind_of_id(run, server):
    pages, expected = served_pages()
    total = sum(len(p) for p in pages)

    def handler(request):
        number = int(request.args.get("page_no", "1"))
        doc = {"record_count": total,
               "tickets": pages[number - 1] if number <= len(pages) else []}
        return Response(json.dumps(doc), content_type="application/json")
    server.expect_request("/api/Tickets").respond_with_handler(handler)
    result = run("tickets", "list", "--concurrency", "1")
    assert result.code == 0, result
    assert result.records == expected
    assert f"skipped {total - len(expected)} record(s)" in result.err

"""The ordered concurrent pager (`_in_order`) and its pace, with a fake fetch whose pages
finish when the test says so: every case is decided by gates, not by timing."""
import threading

import pytest

from halo_lib.http.paging import Pace, _in_order

WAIT = 10   # seconds: only ever reached when the pager is broken


class Pages:
    """fetch(n): records the call, waits for page n's gate (if gated), then answers n."""

    def __init__(self, gated=(), fail=None):
        self.gates = {n: threading.Event() for n in gated}
        self.fail = fail or {}
        self.lock = threading.Lock()
        self.calls, self.threads = [], []
        self.in_flight = self.most_in_flight = 0
        self.started = threading.Condition(self.lock)

    def __call__(self, number):
        with self.lock:
            self.calls.append(number)
            self.threads.append(threading.current_thread())
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.started.notify_all()
        try:
            if number in self.gates:
                assert self.gates[number].wait(WAIT), f"page {number} never released"
            if number in self.fail:
                raise self.fail[number]
            return f"page {number}"
        finally:
            with self.lock:
                self.in_flight -= 1

    def wait_started(self, *numbers):
        with self.started:
            assert self.started.wait_for(lambda: set(numbers) <= set(self.calls), WAIT)


def consume(generator, into, errors):
    try:
        for page in generator:
            into.append(page)
    except Exception as exc:   # noqa: BLE001 - handed to the test
        errors.append(exc)


def test_pages_finishing_out_of_order_are_yielded_in_order():
    fetch = Pages(gated=range(2, 6))
    got, errors = [], []
    consumer = threading.Thread(target=consume, args=(_in_order(fetch, 2, 5, 4), got, errors))
    consumer.start()
    fetch.wait_started(2, 3, 4, 5)                # all four in flight at once
    for number in (5, 4, 3):
        fetch.gates[number].set()
    consumer.join(0.2)
    assert got == []                              # page 2 holds the rest back
    fetch.gates[2].set()
    consumer.join(WAIT)
    assert got == ["page 2", "page 3", "page 4", "page 5"] and errors == []


def test_an_error_on_page_k_is_raised_in_order_while_later_pages_are_in_flight():
    fetch = Pages(gated=(4, 5), fail={3: ValueError("page 3 failed")})
    pages = _in_order(fetch, 2, 9, 4)
    assert next(pages) == "page 2"
    fetch.wait_started(4, 5)
    with pytest.raises(ValueError, match="page 3 failed"):
        next(pages)                               # not waiting for the pages after it
    assert not fetch.gates[4].is_set() and not fetch.gates[5].is_set()
    for gate in fetch.gates.values():
        gate.set()


def test_an_error_on_the_first_page_in_flight_is_raised_before_any_page():
    fetch = Pages(fail={2: OSError("gone")})
    with pytest.raises(OSError, match="gone"):
        next(_in_order(fetch, 2, 20, 3))


@pytest.mark.parametrize("window", [1, 2, 5])
def test_memory_is_bounded_by_four_windows_of_finished_pages(window):
    fetch = Pages()                               # every page answers at once
    seen = []
    for page in _in_order(fetch, 2, 200, window):
        seen.append(page)
        wanted = len(seen) + 2                    # the page the consumer asks for next
        with fetch.lock:
            ahead = max(fetch.calls) - wanted + 1
        assert ahead <= 4 * window                # never more fetched but unwritten
    assert seen == [f"page {n}" for n in range(2, 201)]
    assert fetch.most_in_flight <= window
    assert sorted(fetch.calls) == list(range(2, 201))   # each page fetched once


def test_after_a_429_pages_are_fetched_one_at_a_time_in_the_callers_thread():
    throttled = threading.Event()

    class Throttling(Pages):
        def __call__(self, number):
            if number == 4:
                throttled.set()                   # what the transport does on a 429
            return super().__call__(number)
    fetch = Throttling()
    seen = list(_in_order(fetch, 2, 40, 4, throttled.is_set))
    assert seen == [f"page {n}" for n in range(2, 41)]
    me = threading.current_thread()
    # Once the pages started before the 429 are written, the rest come one at a time,
    # each fetched by the consumer itself, in order.
    tail = [(n, t) for n, t in zip(fetch.calls, fetch.threads) if n >= 4 + 4 * 4]
    assert tail and all(t is me for _, t in tail)
    assert [n for n, _ in tail] == sorted(n for n, _ in tail)


def test_window_one_uses_no_thread_at_all():
    fetch = Pages()
    assert list(_in_order(fetch, 2, 30, 1)) == [f"page {n}" for n in range(2, 31)]
    assert set(fetch.threads) == {threading.current_thread()}
    assert fetch.calls == list(range(2, 31))


def test_an_unknown_last_page_goes_one_at_a_time_until_the_consumer_stops():
    fetch = Pages()
    pages = _in_order(fetch, 2, None, 8)
    assert [next(pages) for _ in range(5)] == [f"page {n}" for n in range(2, 7)]
    assert fetch.calls == [2, 3, 4, 5, 6] and fetch.most_in_flight == 1


def test_the_window_is_asked_again_as_the_list_goes():
    fetch = Pages()
    chosen = {"window": 1}
    pages = _in_order(fetch, 2, 60, lambda: chosen["window"])
    for _ in range(5):
        next(pages)
    assert set(fetch.threads) == {threading.current_thread()}
    chosen["window"] = 4
    rest = list(pages)
    assert rest == [f"page {n}" for n in range(7, 61)]
    assert any(t is not threading.current_thread() for t in fetch.threads)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def drive(pace, clock, fetch, handle, pages):
    """Feed the pace what a list with these per-page times would show."""
    for count in range(2, 2 + pages):
        window = pace.window()
        pace.fetched(fetch)
        pace.handled(handle)
        clock.now += handle + (fetch if window == 1 else fetch / window)
        pace.written(count)
    return pace.window()


def test_pace_stays_at_one_when_writing_takes_as_long_as_the_round_trip():
    clock = Clock()
    assert drive(Pace(8, clock), clock, fetch=0.002, handle=0.002, pages=30) == 1


def test_pace_fetches_ahead_when_the_round_trip_is_long():
    clock = Clock()
    assert drive(Pace(8, clock), clock, fetch=0.050, handle=0.001, pages=30) == 8
    clock = Clock()
    assert drive(Pace(3, clock), clock, fetch=0.050, handle=0.001, pages=30) == 3


def test_pace_goes_back_to_one_when_fetching_ahead_did_not_pay():
    clock = Clock()
    pace = Pace(8, clock)
    for count in range(2, 40):
        pace.fetched(0.010)
        pace.handled(0.002)
        clock.now += 0.012                        # no faster with pages in flight
        pace.written(count)
    assert pace.window() == 1


def test_pace_does_not_try_more_when_the_round_trip_is_mostly_cpu():
    """A fast local server: the round trip is the client's own work (sending, parsing),
    which the GIL serialises, so fetching ahead is not even tried (no threads)."""
    clock = Clock()
    pace = Pace(8, clock)
    windows = []
    for count in range(2, 40):
        windows.append(pace.window())
        pace.fetched(0.0005, busy=0.0004)
        pace.handled(0.00005)
        clock.now += 0.00055
        pace.written(count)
    assert set(windows) == {1}
    assert not pace.learning


def test_pace_still_fetches_ahead_when_the_round_trip_is_mostly_waiting():
    clock = Clock()
    pace = Pace(8, clock)
    for count in range(2, 40):
        window = pace.window()
        pace.fetched(0.050, busy=0.0004)
        pace.handled(0.00005)
        clock.now += 0.00045 + 0.050 / window
        pace.written(count)
    assert pace.window() == 8

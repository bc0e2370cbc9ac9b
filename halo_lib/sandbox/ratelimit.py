"""The sandbox playing a rate-limited tenant: `--rate-limit N/PERIOD`.

Like a hosted Halo tenant, at most N requests are answered in any rolling PERIOD; the
ones beyond are refused with 429, a JSON message and no Retry-After header (Halo sends
none). Refused requests do not count against the window.
"""
import collections
import threading
import time

from halo_lib.http.ratebudget import describe, parse_rate


class RateLimit:
    def __init__(self, rate, clock=time.monotonic):
        self.count, self.period = rate
        self.clock = clock
        self.sent = collections.deque()
        self.lock = threading.Lock()
        self.refused = 0
        self.message = (f"Rate limit exceeded: {self.count} requests per rolling "
                        f"{describe(rate).split('/', 1)[1]} window")

    @classmethod
    def of(cls, setting):
        """A RateLimit from 'N/PERIOD', a (N, seconds) pair, or None for no limit."""
        if not setting:
            return None
        rate = parse_rate(setting) if isinstance(setting, str) else tuple(setting)
        return cls(rate) if rate else None

    def admit(self):
        """May one more request be answered now? Counts it when it may."""
        with self.lock:
            now = self.clock()
            while self.sent and self.sent[0] <= now - self.period:
                self.sent.popleft()
            if len(self.sent) < self.count:
                self.sent.append(now)
                return True
            self.refused += 1
            return False

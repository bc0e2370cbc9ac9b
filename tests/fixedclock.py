"""A Runner whose wall clock is fixed, so relative dates and checkpoints are exact."""
import io
from datetime import datetime, timezone

import halo
from conftest import Result, Runner, runner_for
from halo_lib.io.streams import Streams

NOW = datetime(2026, 11, 30, 12, 0, 0, 250000, tzinfo=timezone.utc)


class ClockRunner(Runner):
    def __init__(self, env, now=NOW):
        super().__init__(env)
        self.now = now

    def __call__(self, *argv, stdin=b"", env=None):
        out, err = io.BytesIO(), io.StringIO()
        streams = Streams(stdin=io.BytesIO(stdin), stdout=out, stderr=err,
                          env={**self.env, **(env or {})}, sleep=self.sleeps.append,
                          stdin_tty=False, stdout_tty=False, stderr_tty=False,
                          now=lambda: self.now)
        code = halo.main(list(argv), streams)
        return Result(code, out.getvalue(), err.getvalue())


def clock_runner(server, tmp_path, now=NOW):
    return ClockRunner(runner_for(server.url_for("").rstrip("/"), tmp_path).env, now)

"""A real process: closed pipes and signals end halo promptly and cleanly."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from faultserver import FaultServer


@pytest.fixture
def slow(tmp_path):
    server = FaultServer(total=5000).start()
    server.delay = 0.05
    yield server
    server.stop()


def env_for(server, tmp_path):
    return {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "HALO_URL": server.url,
            "HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": "secret"}


HALO = [sys.executable, str(ROOT / "halo.py")]


def test_head_closes_the_pipe_and_halo_stops_quietly(slow, tmp_path):
    started = time.monotonic()
    done = subprocess.run(
        " ".join(HALO) + " tickets list --page-size 10 | head -1", shell=True,
        env=env_for(slow, tmp_path), capture_output=True, timeout=30)
    elapsed = time.monotonic() - started
    assert done.returncode == 0
    assert json.loads(done.stdout)["id"] == 1
    assert done.stderr == b""
    assert elapsed < 5
    # It stopped: a handful of pages fetched ahead at most, not the 500 of the list.
    time.sleep(0.3)
    assert len(slow.pages_requested()) < 20


@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_halo_between_whole_lines(slow, tmp_path, signum, code):
    process = subprocess.Popen(HALO + ["tickets", "list", "--page-size", "10"],
                               env=env_for(slow, tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    first = process.stdout.readline()
    assert json.loads(first)["id"] == 1
    time.sleep(0.2)
    process.send_signal(signum)
    rest, err = process.communicate(timeout=10)
    assert process.returncode == code
    assert rest == b"" or rest.endswith(b"\n")
    for line in rest.splitlines():
        json.loads(line)
    assert b"Traceback" not in err

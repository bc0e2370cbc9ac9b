"""Deadlines share one watchdog thread: each still cuts its own socket at its own time,
an earlier one watched after a later one is not kept waiting for it, and an ended one
never fires. Real sockets, real time (scaled down, generous bounds)."""
import socket
import threading
import time

from halo_lib.http.deadline import Deadline


class Conn:
    """What a Deadline watches: an object with the socket a request reads from."""

    def __init__(self):
        self.sock, self.peer = socket.socketpair()
        self.sock.settimeout(10)    # a deadline that never fires fails the test, not hangs it


def read_until_cut(deadline, conn, ended):
    with deadline:
        deadline.attach(conn)
        if conn.sock.recv(1) == b"":   # nothing ever arrives: only a cut ends this read
            ended.append(time.monotonic())


def test_each_deadline_cuts_its_own_read_at_its_own_time():
    started = time.monotonic()
    late, early = (Deadline(2.0), Conn(), []), (Deadline(0.3), Conn(), [])
    threads = [threading.Thread(target=read_until_cut, args=args) for args in (late, early)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)      # the later deadline is watched first
    for thread in threads:
        thread.join(10)
    assert early[1] and late[1]
    assert early[0].expired and late[0].expired
    assert 0.25 <= early[2][0] - started < 1.5      # not held until the later one
    assert 1.9 <= late[2][0] - started < 5


def test_an_ended_deadline_never_fires_and_the_next_ones_still_do():
    conn = Conn()
    with Deadline(0.2) as first:
        first.attach(conn)
    time.sleep(0.4)
    assert not first.expired
    conn.peer.sendall(b"x")
    assert conn.sock.recv(1) == b"x"        # the socket was not cut after the end
    for _ in range(3):                      # one after another, as pages are fetched
        ended = []
        read_until_cut(Deadline(0.2), Conn(), ended)
        assert ended


def test_a_deadline_stopped_for_a_download_leaves_its_socket_alone():
    conn = Conn()
    with Deadline(0.2) as deadline:
        deadline.attach(conn)
        deadline.detach(stop=True)
        time.sleep(0.4)
        assert not deadline.expired
        conn.peer.sendall(b"y")
        assert conn.sock.recv(1) == b"y"

"""Paths that are not regular files: a device, a FIFO. halo writes into them as curl -o
does and never replaces them with a regular file."""
import os
import stat
import threading

import pytest

from conftest import api_requests, one_error_line

BODY = b"%PDF-1.4 " + b"x" * 100000

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


@pytest.fixture
def pdf(run, server):
    server.expect_request("/api/Invoice/PDF/1").respond_with_data(
        BODY, content_type="application/pdf")
    return server


def device(path, major, minor):
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    return path


def is_char_device(path, major, minor):
    info = os.lstat(path)
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(major, minor)


def reading(fifo):
    """A reader on the FIFO, in a thread; got[0] is what it read."""
    got = []

    def read():
        with open(fifo, "rb") as handle:
            got.append(handle.read())
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


@needs_root
def test_output_file_that_is_a_full_device_is_one_line_exit_6_and_stays_a_device(
        run, pdf, tmp_path):
    full = device(str(tmp_path / "full"), 1, 7)
    line = one_error_line(run("invoices", "pdf", "1", "-O", full), 6)
    assert full in line and "No space left on device" in line
    assert is_char_device(full, 1, 7)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["full"]


@needs_root
def test_output_file_that_is_a_null_device_works_and_stays_a_device(run, pdf, tmp_path):
    null = device(str(tmp_path / "null"), 1, 3)
    link = tmp_path / "link"
    link.symlink_to(null)
    for target in (null, str(link)):
        result = run("invoices", "pdf", "1", "-O", target)
        assert (result.code, result.out, result.err) == (0, b"", "")
    assert is_char_device(null, 1, 3) and link.is_symlink()
    assert len(api_requests(pdf)) == 2


def test_output_file_that_is_a_fifo_feeds_its_reader_and_stays_a_fifo(run, pdf, tmp_path):
    fifo = str(tmp_path / "ff")
    os.mkfifo(fifo)
    thread, got = reading(fifo)
    result = run("invoices", "pdf", "1", "-O", fifo)
    thread.join(10)
    assert (result.code, result.err) == (0, "")
    assert got == [BODY]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_file_that_exists_as_a_regular_file_is_still_replaced_whole(run, pdf, tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    assert run("invoices", "pdf", "1", "-O", str(target)).code == 0
    assert target.read_bytes() == BODY
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["out.pdf"]


def test_an_answer_that_breaks_off_into_a_fifo_is_not_sent_again(raw_server, tmp_path):
    """Bytes written into a pipe cannot be taken back: a retry would repeat them."""
    from conftest import runner_for
    from rawserver import http_response, token_route
    half = b"%PDF-1.4 " + b"y" * 99991

    def broken(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                     b"Content-Length: 200000\r\nConnection: close\r\n\r\n" + half)

    def route(method, path, n):
        if token_route(method, path):
            return token_route(method, path)
        return broken if n == 1 else http_response(200, BODY, content_type="application/pdf")
    server = raw_server(route)
    fifo = str(tmp_path / "ff")
    os.mkfifo(fifo)
    thread, got = reading(fifo)
    results = []
    halo = threading.Thread(daemon=True, target=lambda: results.append(
        runner_for(server.url, tmp_path)("attachments", "download", "1", "-O", fifo)))
    halo.start()
    halo.join(20)
    if halo.is_alive():      # blocked opening the pipe again for a retry: let it go
        with open(fifo, "rb") as handle:
            handle.read()
    thread.join(10)
    assert results and not halo.is_alive(), "halo opened the pipe again to retry"
    line = one_error_line(results[0], 5)
    assert "broke off after 100000 bytes were written to " + fifo in line
    assert got == [half]
    assert [p for m, p in server.requests if "Attachment" in p] == ["/api/Attachment/1"]

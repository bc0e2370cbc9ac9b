"""File answers (a PDF, an attachment): streamed to -O FILE or stdout, never held whole.

-O FILE is written through write_named: a regular file appears whole or not at all; an
existing device or FIFO (/dev/null, a named pipe) is written straight into, as curl -o
does, never replaced. A failure (a directory, a missing directory, a full disk) is one line naming the path
and the system's reason, exit 6, with no `.halo-part` file left behind.
"""
import errno
import os

from halo_lib.errors import LocalError


def check_target(target):
    """Before anything is sent: -O names a file that can be created."""
    if not target or target == "-":
        return
    if os.path.isdir(target):
        raise _local(target, OSError(errno.EISDIR, os.strerror(errno.EISDIR)))
    parent = os.path.dirname(target) or "."
    if not os.path.isdir(parent):
        code = errno.ENOTDIR if os.path.exists(parent) else errno.ENOENT
        raise _local(target, OSError(code, f"{os.strerror(code)} ({parent})"))


def streamed(response, stdout_tty, target):
    """Whether an answer is a file to stream (by its type), rather than JSON or text that
    is read whole (capped) to be printed."""
    kind = response.content_type
    if not kind or kind.startswith("text/") or kind.endswith("json"):
        return False
    return bool(target and target != "-") or not stdout_tty


def consumer(streams, target):
    """A Transport.send `consume` that streams file answers to FILE, else stdout."""
    def consume(response, chunks):
        if not streamed(response, streams.stdout_tty, target):
            return None
        if target and target != "-":
            return write_file(target, chunks)
        return _to_stdout(streams, chunks)
    return consume


def write_file(target, chunks):
    """chunks (bytes, or an iterable of bytes) to FILE, whole or not at all."""
    from halo_lib.io.files import special, write_named
    if special(target) and not isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = _once(chunks, target)   # bytes in a pipe cannot be taken back for a retry
    try:
        write_named(target, chunks, mode=0o666)
    except OSError as exc:
        raise _local(target, exc) from None
    return 0


def write_bytes(streams, data, target):
    """A file answer already in memory: to FILE, else stdout (text on a terminal)."""
    if target and target != "-":
        return write_file(target, data)
    if streams.stdout_tty and not target:
        text = data.decode("utf-8", "replace") if data else ""
        streams.write((text.rstrip("\n") + "\n").encode() if text else b"")
        return 0
    streams.write(bytes(data))
    return 0


def _to_stdout(streams, chunks):
    for chunk in _once(chunks, "stdout"):
        streams.write(chunk)
    return 0


def _once(chunks, where):
    """The chunks, for a place that cannot take bytes back (stdout, a pipe): an answer that
    breaks off once some are out is Cut, not tried again."""
    from urllib3.exceptions import HTTPError
    from halo_lib.http.transport import Cut
    written = 0
    try:
        for chunk in chunks:
            yield chunk
            written += len(chunk)
    except HTTPError as exc:
        if not written:
            raise   # nothing out yet: the transport may try again
        raise Cut(f"the answer broke off after {written} bytes were written to {where} "
                  f"({type(exc).__name__})") from None


def _local(path, exc):
    return LocalError(f"cannot write {path}: {exc.strerror or exc}")

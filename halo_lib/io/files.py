"""Local files written whole or not at all.

Every file halo writes for later (the config, the token cache, a checkpoint, an -O
download) goes through write_atomically: a reader sees the old file or the new one, never
half of it, and a planted symlink at the temporary name is never followed.
"""
import os
import secrets


def write_atomically(path, chunks, mode=0o600):
    """Write `chunks` (bytes, or an iterable of bytes) to path through a temporary file.

    The temporary file is created beside path with O_EXCL and O_NOFOLLOW, so it can be
    neither an existing file nor a link; it is removed again on any failure. Raises
    OSError (with the path in it) when the file cannot be written.
    """
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = (chunks,)
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.halo-part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

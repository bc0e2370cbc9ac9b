"""Local files written whole or not at all.

Every file halo writes for later (the config, the token cache, a checkpoint, an -O
download) goes through write_atomically: a reader sees the old file or the new one, never
half of it, and a planted symlink at the temporary name is never followed.

A path the user names (-O FILE, the config file) goes through write_named instead: an
existing device, FIFO or socket there is written straight into, as curl -o does, and never
replaced by a regular file (`-O /dev/null` discards, a FIFO's reader gets the bytes,
`/dev/full` fails with ENOSPC).
"""
import os
import stat


def write_named(path, chunks, mode=0o600):
    """`chunks` to a path the user named: atomically when it is a regular file or new,
    straight into it when it is something else (a device, a FIFO). Raises OSError."""
    if special(path):
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return _write_into(fd, chunks)
        os.close(fd)   # it became a regular file meanwhile: replace it whole after all
    return write_atomically(path, chunks, mode)


def special(path):
    """Whether path (symlinks followed) exists and is neither a regular file nor a directory
    (a directory is left to fail as one)."""
    try:
        kind = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(kind) or stat.S_ISDIR(kind))


def _write_into(fd, chunks):
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = (chunks,)
    with os.fdopen(fd, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()


def write_atomically(path, chunks, mode=0o600):
    """Write `chunks` (bytes, or an iterable of bytes) to path through a temporary file.

    The temporary file is created beside path with O_EXCL and O_NOFOLLOW, so it can be
    neither an existing file nor a link; it is removed again on any failure. Raises
    OSError (with the path in it) when the file cannot be written.
    """
    import secrets   # here: reading a cached token should not load it (and random)
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


def private_directory(path):
    """Whether path is a real directory of ours (not a planted link)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def read_small(path, limit):
    """A small regular file's bytes; a FIFO, device, link or huge file is an OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise OSError(f"{path} is not a small regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(f"{path} is too large")
    return data

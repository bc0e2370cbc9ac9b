"""The `halo` command's entry point: parse argv, run the command, turn every outcome into an exit status.

Nothing heavy is imported here: `halo --help` needs only argparse and the resource table.
"""
import sys

from halo_lib.errors import INTERRUPTED, Exit, HaloError, printable
from halo_lib.io.streams import ClosedStdout, Interrupted, Streams


def main(argv=None, streams=None):
    """Run halo with argv (default sys.argv[1:]); returns the exit status."""
    real_process = streams is None
    if real_process:
        _silence_warnings()
        closed = _replace_closed_streams()
        streams = Streams(stdout=ClosedStdout() if "stdout" in closed else None)
    argv = sys.argv[1:] if argv is None else list(argv)
    restore = _trap_signals(streams) if real_process else None
    try:
        return _run(argv, streams)
    except BrokenPipeError:
        return _closed_stdout(real_process)
    finally:
        if real_process and streams.stdout_failed is not None:
            _closed_stdout(real_process)   # no second failure when Python flushes at exit
        if restore:
            restore()


def _run(argv, streams):
    try:
        from halo_lib.cli import parse
        invocation = parse(argv, out=lambda text: streams.write(_line(text)))
        with streams.deferred():
            _load_extensions(invocation)
        from halo_lib.run.execute import run
        return run(invocation, streams)
    except Exit as done:
        return done.code
    except HaloError as exc:
        _say(streams, "halo: " + printable(" ".join(str(exc).split())))
        return exc.exit_code
    except BrokenPipeError:
        raise
    except (Interrupted, KeyboardInterrupt) as stop:
        signum = getattr(stop, "signum", 2)
        return INTERRUPTED if signum == 2 else 128 + signum
    except Exception as exc:   # a bug: one line, the traceback only under -v
        if "-v" in argv or "--verbose" in argv:
            import traceback
            streams.stderr.write(traceback.format_exc())
        streams.err(f"halo: unexpected error: {type(exc).__name__}: "
                    + " ".join(str(exc).split())[:300])
        return 1


def _load_extensions(invocation):
    """Import the C extensions a command needs with SIGINT and SIGTERM held back: the
    exception a signal handler raises in the middle of an extension's module init (orjson's
    was seen) crashes the interpreter (SIGSEGV) instead of ending the command cleanly."""
    import orjson  # noqa: F401
    if not invocation.dry_run:
        import urllib3  # noqa: F401   (ssl, hashlib, zlib)


def _say(streams, line):
    """The one error line; a stderr that fails too leaves only the exit status."""
    try:
        streams.err(line)
    except (OSError, ValueError):
        pass


def _line(text):
    return (text if text.endswith("\n") else text + "\n").encode()


def _silence_warnings():
    """No Python warning (a library's deprecation notice, a source line) ever reaches
    halo's stderr: stderr carries halo's own lines only. PYTHONWARNINGS is overridden."""
    import warnings
    warnings.simplefilter("ignore")
    warnings.showwarning = lambda *args, **kwargs: None


def _replace_closed_streams():
    """A standard stream the caller closed (`halo ... <&-`): empty input, output to nowhere.

    Their file descriptors are taken by /dev/null, so no file halo opens lands on them; a
    closed stdout is still reported as such when halo writes to it. Returns the names.
    """
    import os
    closed = set()
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode))
            closed.add(name)
    return closed


def _trap_signals(streams):
    """SIGINT and SIGTERM end the command between whole lines of output."""
    try:
        import _signal as signal   # CPython's own: `signal` wraps it in enums, importing enum
    except ImportError:
        import signal
    previous = {s: signal.signal(s, streams.on_signal) for s in (signal.SIGINT, signal.SIGTERM)}

    def restore():
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return restore


def _closed_stdout(real_process):
    """The reader went away (`| head`): stop quietly, and keep Python from complaining."""
    if real_process:
        import os
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return 0


def entry():
    sys.exit(main())


if __name__ == "__main__":
    entry()

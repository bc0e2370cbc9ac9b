"""The command line: argv -> a typed Invocation. Nothing else reads argparse."""


def parse(argv, out):
    """argv -> Invocation; raises UsageError, or Exit after --help and --version."""
    if argv and argv[-1] in ("-h", "--help", "--version"):
        from halo_lib.cli.helptext import quick_answer
        text = quick_answer(argv)
        if text is not None:      # the plain help and version lines need no argparse
            from halo_lib.errors import Exit
            out(text)
            raise Exit(0)
    from halo_lib.cli import parser
    command, namespace = parser.parse(argv, out)
    from halo_lib.cli.invocation import build
    return build(command, namespace)

"""The command line: argv -> a typed Invocation. Nothing else reads argparse."""


def parse(argv, out):
    """argv -> Invocation; raises UsageError, or Exit after --help and --version."""
    from halo_lib.cli import parser
    command, namespace = parser.parse(argv, out)
    from halo_lib.cli.invocation import build
    return build(command, namespace)

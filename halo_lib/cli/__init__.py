"""The command line: argv -> parsed arguments, compiled from the resource table."""

"""Local input and output: injected streams, BODY parsing, record output formats."""

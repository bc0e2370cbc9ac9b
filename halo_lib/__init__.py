"""The thin internal library behind the `halo` command (no public API is promised)."""

__version__ = "0.1.0"

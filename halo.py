"""Run `halo` from a checkout: `python halo.py tickets list`.

The installed command's entry point is halo_lib.main:entry; no top-level `halo` module is
installed, because PyPI's `halo` spinner package owns that name.
"""
import sys

from halo_lib.main import entry, main  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())

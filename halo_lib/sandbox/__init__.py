"""The sandbox: a local Halo-compatible API with generated records (`halo sandbox`)."""
from halo_lib.sandbox.server import Sandbox, serve  # noqa: F401

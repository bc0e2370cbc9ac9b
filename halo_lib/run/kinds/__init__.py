"""Verb kinds: one class each. A kind says which arguments its verbs take and turns an
invocation into a plan (halo_lib.run.plans). Adding a kind is one class in one of these
modules; it registers itself by its name, the name the resource table uses."""
from halo_lib.run.kinds.base import KINDS, Kind, kind_named
from halo_lib.run.kinds import reading, writing, calls, files, local  # noqa: F401  (register)

__all__ = ["KINDS", "Kind", "kind_named"]

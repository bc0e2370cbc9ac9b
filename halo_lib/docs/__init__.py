"""Man pages and shell completions generated from the resource table (`python -m halo_lib.docs`)."""

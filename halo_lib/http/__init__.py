"""HTTP: transport (pool, timeouts, retries), OAuth tokens, the /api layer and paging."""

"""The internet side's own store: sealed reports and threads, abuse counters (the portal site's whole database)."""

"""The sealed ferry between the internet portal site and the internal ledger site (docs/portal.md)."""

"""检索 (search)."""

"""The clue pages, split by purpose: the ledger list and its export/import, the detail, registering, steps, files."""

"""Taizhang (台账): ledger and supervision for a campaign office against organised crime."""

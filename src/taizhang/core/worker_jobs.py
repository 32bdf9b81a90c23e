"""Core's worker job: anchor the audit chain outside the database on every pass."""

from __future__ import annotations

from taizhang.core.audit import anchor_chain

JOBS = [anchor_chain]

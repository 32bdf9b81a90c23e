"""Both sites' keys in one process: the tests switch settings.FERRY_DIR to act as the portal or the ledger."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as dj_settings

from taizhang.ferry import keys, ledger_side, portal_side
from taizhang.gate.actions import do_add_sealed_message, do_submit_sealed
from taizhang.portal.uploads import CleanFile

PAYLOAD = {
    "summary": "码头收保护费",
    "facts": "某团伙在码头收取保护费，不交者被殴打。",
    "subjects": [{"name": "赵某", "kind": "person"}],
    "reporter": {"kind": "real_name", "identity": {"name": "李明", "phone": "13800000000"}},
}


@dataclass
class Sites:
    settings: object
    portal_dir: Path
    ledger_dir: Path
    drop: Path

    # Set on the test's own settings override (the fixture made one), not a new override per switch.
    def as_portal(self) -> None:
        dj_settings.FERRY_DIR = self.portal_dir

    def as_ledger(self) -> None:
        dj_settings.FERRY_DIR = self.ledger_dir

    def submit(self, n: int = 1, *, passphrase: str = "", data: bytes = b"evidence") -> list:
        self.as_portal()
        return [
            do_submit_sealed(
                {**PAYLOAD, "summary": f"{PAYLOAD['summary']} {i}"},
                chosen_passphrase=passphrase,
                attachments=[CleanFile(name=f"证据{i}.txt", content_type="text/plain", data=data)],
                challenge_nonce=secrets.token_hex(8),
            )
            for i in range(n)
        ]

    def add_message(self, report_id: int, body: str) -> None:
        self.as_portal()
        do_add_sealed_message(report_id, body=body, attachments=[])

    def export(self) -> Path:
        self.as_portal()
        log = portal_side.export(self.drop)
        assert log is not None
        return self.drop / log.file_name

    def apply(self, path: Path, **kw: str):
        self.as_ledger()
        return ledger_side.apply(path, **kw)

    def export_back(self) -> Path | None:
        self.as_ledger()
        log = ledger_side.export(self.drop / "back")
        return None if log is None else self.drop / "back" / log.file_name

    def apply_back(self, path: Path):
        self.as_portal()
        return portal_side.apply(path)


@pytest.fixture
def sites(settings, tmp_path, world) -> Sites:
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.FERRY_DIR = tmp_path / "ledger-keys"
    pair = Sites(settings, tmp_path / "portal-keys", tmp_path / "ledger-keys", tmp_path / "drop")
    pair.as_ledger()
    ledger_public = keys.public_half(keys.init("ledger", "ledger-t"))
    pair.as_portal()
    portal_public = keys.public_half(keys.init("portal", "portal-t"))
    keys.trust(ledger_public)
    pair.as_ledger()
    keys.trust(portal_public)
    return pair

"""The sites' keys: each site signs its packages (Ed25519); the ledger also holds the sealing key (X25519).

Files in settings.FERRY_DIR (default var/ferry/), outside the database:

    site.json   this site's secrets: {"site_id", "role", "signing_key", "sealing_key" (ledger only), "retired"}
                (mode 0600; the portal's holds no sealing secret, so nothing on the internet side can open a
                report once it is sealed)
    peer.json   the other site's public half: {"site_id", "role", "verify_key", "sealing_public" (ledger's)}

`taizhang ferry keys init --role ledger|portal` writes site.json; `taizhang ferry keys public OUT` writes the
public half to hand to the other site; `taizhang ferry keys trust FILE` stores the other site's public half.
Rotation (`keys rotate`) keeps the old sealing secret under "retired", so packages sealed to it still open.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

ROLES = ("portal", "ledger")


class KeysMissing(Exception):
    """The ferry's keys are not set up on this site (a clear message for the console)."""


def ferry_dir() -> Path:
    return Path(settings.FERRY_DIR)


def _read(name: str) -> dict[str, Any]:
    path = ferry_dir() / name
    if not path.exists():
        raise KeysMissing(
            _("未找到摆渡密钥文件 %(path)s，请先运行 taizhang ferry keys init / trust。") % {"path": path}
        )
    return dict(json.loads(path.read_text()))


def write_secret(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=1)
    os.replace(tmp, path)


@dataclass(frozen=True)
class OwnKeys:
    """This site's identity and secrets."""

    site_id: str
    role: str
    signing_key: SigningKey
    sealing_keys: tuple[PrivateKey, ...]  # ledger only: the current first, retired ones after

    @property
    def sealing_key(self) -> PrivateKey:
        return self.sealing_keys[0]


@dataclass(frozen=True)
class PeerKeys:
    """What this site holds of the other site: its id, its signature key, its sealing public key."""

    site_id: str
    role: str
    verify_key: VerifyKey
    sealing_public: PublicKey | None


def init(role: str, site_id: str = "") -> OwnKeys:
    """Create this site's keys (refuses to overwrite: a lost signing key would orphan the peer's trust)."""
    if role not in ROLES:
        raise ValueError(role)
    path = ferry_dir() / "site.json"
    if path.exists():
        raise FileExistsError(str(path))
    data: dict[str, Any] = {
        "site_id": site_id or f"{role}-{secrets.token_hex(4)}",
        "role": role,
        "signing_key": SigningKey.generate().encode().hex(),
        "retired": [],
    }
    if role == "ledger":
        data["sealing_key"] = PrivateKey.generate().encode().hex()
    write_secret(path, data)
    return own()


def rotate() -> OwnKeys:
    """A new signing key (and on the ledger a new sealing key; the old one kept to open what was sealed to it)."""
    path = ferry_dir() / "site.json"
    data = _read("site.json")
    data["signing_key"] = SigningKey.generate().encode().hex()
    if data["role"] == "ledger":
        data["retired"] = [data["sealing_key"], *data.get("retired", [])]
        data["sealing_key"] = PrivateKey.generate().encode().hex()
    write_secret(path, data)
    return own()


def own() -> OwnKeys:
    data = _read("site.json")
    sealing = [data["sealing_key"], *data.get("retired", [])] if data.get("sealing_key") else []
    return OwnKeys(
        site_id=data["site_id"],
        role=data["role"],
        signing_key=SigningKey(bytes.fromhex(data["signing_key"])),
        sealing_keys=tuple(PrivateKey(bytes.fromhex(k)) for k in sealing),
    )


def public_half(keys: OwnKeys) -> dict[str, Any]:
    """What the other site needs of this one (no secret)."""
    data = {
        "site_id": keys.site_id,
        "role": keys.role,
        "verify_key": keys.signing_key.verify_key.encode().hex(),
    }
    if keys.sealing_keys:
        data["sealing_public"] = keys.sealing_key.public_key.encode().hex()
    return data


def trust(public: dict[str, Any]) -> PeerKeys:
    """Store the other site's public half (replacing an older one: that is how a rotated key is taken in)."""
    if public.get("role") not in ROLES or not public.get("site_id") or not public.get("verify_key"):
        raise ValueError(_("公钥文件内容不完整。"))
    VerifyKey(bytes.fromhex(public["verify_key"]))
    if public.get("sealing_public"):
        PublicKey(bytes.fromhex(public["sealing_public"]))
    write_secret(ferry_dir() / "peer.json", {k: public[k] for k in public if k != "signing_key"})
    return peer()


def peer() -> PeerKeys:
    data = _read("peer.json")
    return PeerKeys(
        site_id=data["site_id"],
        role=data["role"],
        verify_key=VerifyKey(bytes.fromhex(data["verify_key"])),
        sealing_public=PublicKey(bytes.fromhex(data["sealing_public"]))
        if data.get("sealing_public")
        else None,
    )


def ledger_public_key() -> PublicKey:
    """The key every portal submission is sealed to (the portal holds nothing else of the ledger's)."""
    held = peer()
    if held.role != "ledger" or held.sealing_public is None:
        raise KeysMissing(_("举报平台尚未配置台账的公钥。"))
    return held.sealing_public

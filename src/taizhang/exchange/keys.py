"""This instance's own identity in the exchange: an id, an Ed25519 signing key, an X25519 sealing key.

One file, settings.EXCHANGE_DIR/identity.json (mode 0600, outside the database):
{"instance_id", "signing_key", "sealing_key", "retired": [older sealing keys]}. Its public half (no secret)
is what a partner registers: `taizhang exchange keys public FILE`.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from taizhang.ferry.keys import KeysMissing, write_secret


def _path() -> Path:
    return Path(settings.EXCHANGE_DIR) / "identity.json"


@dataclass(frozen=True)
class Identity:
    instance_id: str
    signing_key: SigningKey
    sealing_keys: tuple[PrivateKey, ...]  # the current first, retired ones after

    @property
    def sealing_key(self) -> PrivateKey:
        return self.sealing_keys[0]


def init(instance_id: str = "") -> Identity:
    """Create this instance's identity (refuses to overwrite one: partners hold its public half)."""
    if _path().exists():
        raise FileExistsError(str(_path()))
    write_secret(
        _path(),
        {
            "instance_id": instance_id or f"taizhang-{secrets.token_hex(4)}",
            "signing_key": SigningKey.generate().encode().hex(),
            "sealing_key": PrivateKey.generate().encode().hex(),
            "retired": [],
        },
    )
    return own()


def rotate() -> Identity:
    """New keys; the old sealing key is kept so that what was sealed to it still opens."""
    data = _read()
    data["retired"] = [data["sealing_key"], *data.get("retired", [])]
    data["signing_key"] = SigningKey.generate().encode().hex()
    data["sealing_key"] = PrivateKey.generate().encode().hex()
    write_secret(_path(), data)
    return own()


def _read() -> dict[str, Any]:
    if not _path().exists():
        raise KeysMissing(
            _("未找到本实例的联动密钥 %(path)s，请先运行 taizhang exchange keys init。") % {"path": _path()}
        )
    return dict(json.loads(_path().read_text()))


def own() -> Identity:
    data = _read()
    return Identity(
        instance_id=data["instance_id"],
        signing_key=SigningKey(bytes.fromhex(data["signing_key"])),
        sealing_keys=tuple(
            PrivateKey(bytes.fromhex(k)) for k in [data["sealing_key"], *data.get("retired", [])]
        ),
    )


def public_half(identity: Identity) -> dict[str, str]:
    """What a partner registers of this instance (no secret)."""
    return {
        "instance_id": identity.instance_id,
        "verify_key": identity.signing_key.verify_key.encode().hex(),
        "sealing_public": identity.sealing_key.public_key.encode().hex(),
    }

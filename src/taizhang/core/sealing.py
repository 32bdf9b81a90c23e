"""Sealing secrets at rest (reporter identities): AES-256-GCM with a key kept outside the database.

A sealed value is text "v1:<key id>:<base64 nonce+ciphertext>"; the key id lets a rotation re-encrypt row by
row and lets a backup made before rotation be opened with the old key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from taizhang import conf


class SealError(Exception):
    """The value cannot be opened (wrong key, tampered ciphertext, unknown key id)."""


def _decode_key(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text.strip().encode() + b"=" * (-len(text.strip()) % 4))
    if len(raw) != 32:
        raise SealError("identity key must be 32 bytes, base64url-encoded")
    return raw


def key_id(key: bytes) -> str:
    """A short public fingerprint naming a key (never the key itself)."""
    return hashlib.sha256(b"taizhang-key-id" + key).hexdigest()[:12]


def generate_key() -> str:
    """A new random key, base64url text for TAIZHANG_IDENTITY_KEY or the key file."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode().rstrip("=")


@lru_cache(maxsize=1)
def _keyring_cached(env_key: str, key_file: str) -> tuple[bytes, dict[str, bytes]]:
    keys: list[bytes] = []
    if env_key:
        keys.append(_decode_key(env_key))
    path = Path(key_file)
    if path.exists():
        # The key file holds the current key on its first line and retired keys below it.
        keys.extend(_decode_key(line) for line in path.read_text().splitlines() if line.strip())
    elif not env_key:
        path.parent.mkdir(parents=True, exist_ok=True)
        with conf.open_private(path, "w") as out:
            out.write(generate_key() + "\n")
        keys.append(_decode_key(path.read_text().splitlines()[0]))
    return keys[0], {key_id(k): k for k in keys}


def keyring() -> tuple[bytes, dict[str, bytes]]:
    """(current key, all known keys by id)."""
    return _keyring_cached(settings.IDENTITY_KEY, settings.IDENTITY_KEY_FILE)


def reset_keyring_cache() -> None:
    _keyring_cached.cache_clear()
    _cipher.cache_clear()  # no key a rotation removed stays in memory


@lru_cache(maxsize=8)
def _cipher(key: bytes) -> tuple[AESGCM, str]:
    # The cipher object and the key's id, made once per key: a bulk registration seals thousands of identities.
    return AESGCM(key), key_id(key)


def seal(value: dict[str, Any], *, key: bytes | None = None, aad: bytes = b"identity") -> str:
    """Encrypt a JSON-able dict; authenticated, so any change to the text is detected on open."""
    cipher, kid = _cipher(key or keyring()[0])
    nonce = os.urandom(12)
    data = json.dumps(value, ensure_ascii=False).encode()
    blob = nonce + cipher.encrypt(nonce, data, aad)
    return f"v1:{kid}:{base64.b64encode(blob).decode()}"


def sealed_key_id(sealed: str) -> str:
    return sealed.split(":", 2)[1] if sealed.startswith("v1:") else ""


def open_sealed(
    sealed: str, *, keys: dict[str, bytes] | None = None, aad: bytes = b"identity"
) -> dict[str, Any]:
    """Decrypt a sealed value with whichever known key sealed it."""
    try:
        version, kid, payload = sealed.split(":", 2)
    except ValueError as exc:
        raise SealError("not a sealed value") from exc
    known = keys if keys is not None else keyring()[1]
    if version != "v1" or kid not in known:
        raise SealError(f"no key {kid!r} to open this value")
    blob = base64.b64decode(payload)
    try:
        plain = _cipher(known[kid])[0].decrypt(blob[:12], blob[12:], aad)
    except Exception as exc:  # InvalidTag: wrong key or tampered
        raise SealError("sealed value failed authentication") from exc
    result: dict[str, Any] = json.loads(plain)
    return result


def reseal(sealed: str, *, key: bytes | None = None, keys: dict[str, bytes] | None = None) -> str:
    """The same value sealed again under `key` (default: the current key)."""
    return seal(open_sealed(sealed, keys=keys), key=key)


def add_key_to_file(path: str | Path, new_key: str | None = None) -> str:
    """Put a new key on the first line of the key file, keeping every older key below it; return its id.

    Written to a temporary file and renamed, so an interruption leaves either the old file or the new one.
    """
    path = Path(path)
    old_lines = (
        [line.strip() for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    )
    text = new_key or generate_key()
    raw = _decode_key(text)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with conf.open_private(tmp, "w") as out:
        out.write("\n".join([text, *old_lines]) + "\n")
    tmp.replace(path)
    reset_keyring_cache()
    return key_id(raw)

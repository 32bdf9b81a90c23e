"""Sealing on the internet side (libsodium through PyNaCl; nothing home-made).

- To the ledger: `SealedBox(ledger public key)`: anyone may seal, only the ledger's secret opens.
- To the reporter: each report gets its own X25519 key pair. Its secret half is wrapped (`SecretBox`) under
  a key derived from the passphrase with argon2id (the portal's profile, run on the same low-priority threads
  as the passphrase hash). The reporter's copy, and every reply and status from the ledger, is sealed to the
  public half. So receipt + passphrase open the thread, and the database, files and settings do not.

A successful unwrap is also the passphrase check: SecretBox is authenticated, a wrong key fails. An unknown
receipt code spends the same argon2id time on a dummy salt and answers the same.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from taizhang.portal import credentials

_DUMMY_SALT = secrets.token_bytes(16)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def seal_json(public: PublicKey, value: dict[str, Any]) -> str:
    """A JSON value sealed to `public` (base64 text)."""
    return b64(SealedBox(public).encrypt(json.dumps(value, ensure_ascii=False).encode()))


def open_json(secret: PrivateKey, sealed: str) -> dict[str, Any]:
    return dict(json.loads(SealedBox(secret).decrypt(unb64(sealed))))


def seal_bytes(public: PublicKey, data: bytes) -> bytes:
    return bytes(SealedBox(public).encrypt(data))


def _profile_text(profile: credentials.Profile) -> str:
    return ",".join(str(n) for n in profile)


def _parse_profile(text: str) -> credentials.Profile:
    memory, passes, lanes = (int(n) for n in text.split(","))
    return (memory, passes, lanes)


def derive_key(passphrase: str, salt: bytes, profile: credentials.Profile) -> bytes:
    """32 bytes from the passphrase with argon2id, on the portal's low-priority hashing threads."""
    memory, passes, lanes = profile
    secret = credentials.normalise_passphrase(passphrase).encode()
    return credentials.run_hash(
        lambda: hash_secret_raw(
            secret, salt, time_cost=passes, memory_cost=memory, parallelism=lanes, hash_len=32, type=Type.ID
        )
    )


@dataclass(frozen=True)
class ReporterKeys:
    """A new report's key material: what is stored (salt, profile, public, wrapped secret) and the secret."""

    kdf_salt: str
    kdf_profile: str
    public_hex: str
    wrapped_secret: str
    secret: PrivateKey


def new_reporter_keys(passphrase: str) -> ReporterKeys:
    """A key pair for one report, its secret wrapped under the passphrase (one argon2id derivation)."""
    salt = secrets.token_bytes(16)
    profile = credentials.current_profile()
    secret = PrivateKey.generate()
    wrapped = SecretBox(derive_key(passphrase, salt, profile)).encrypt(bytes(secret))
    return ReporterKeys(
        kdf_salt=b64(salt),
        kdf_profile=_profile_text(profile),
        public_hex=bytes(secret.public_key).hex(),
        wrapped_secret=b64(bytes(wrapped)),
        secret=secret,
    )


def unwrap(
    passphrase: str, *, kdf_salt: str | None, kdf_profile: str | None, wrapped: str | None
) -> PrivateKey | None:
    """The reporter's secret if the passphrase is right; None otherwise (same time when nothing is stored)."""
    if kdf_salt is None or kdf_profile is None or wrapped is None:
        derive_key(passphrase, _DUMMY_SALT, credentials.current_profile())
        return None
    key = derive_key(passphrase, unb64(kdf_salt), _parse_profile(kdf_profile))
    try:
        return PrivateKey(SecretBox(key).decrypt(unb64(wrapped)))
    except (CryptoError, ValueError):
        return None


def rewrap(secret: PrivateKey, passphrase: str) -> tuple[str, str, str]:
    """(salt, profile, wrapped) under the current profile, for a report opened under an older one."""
    salt = secrets.token_bytes(16)
    profile = credentials.current_profile()
    wrapped = SecretBox(derive_key(passphrase, salt, profile)).encrypt(bytes(secret))
    return b64(salt), _profile_text(profile), b64(bytes(wrapped))


def needs_rewrap(kdf_profile: str) -> bool:
    return _parse_profile(kdf_profile) != credentials.current_profile()

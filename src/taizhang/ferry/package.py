"""The ferry's package file: a manifest naming each part's SHA-256, its Ed25519 signature, then the parts.

Byte layout (every byte is checked: a bit flipped anywhere refuses the package):

    TAIZHANG-FERRY\n           magic
    <n>\n                      the manifest's length in bytes, decimal, no leading zero
    <manifest: n bytes>\n      JSON {"format", "version", "kind", "sender", "receiver", "sequence",
                               "created_at", "counts", "parts": [{"name", "sha256", "bytes"}, ...]}
                               (schema: ferry/package.schema.json)
    <signature>\n              Ed25519 signature of the manifest's bytes, 128 lowercase hex digits
    <part 1><part 2>...         the parts' bytes in the manifest's order, nothing after the last

Reading checks everything before anything is applied: the layout, the signature under the sender's key held
by the receiver, the format version, the direction, that the package is addressed to this site, the total
length, and every part's digest. Parts are streamed, so memory stays flat whatever the package's size. The
package's digest (what the audit log and the ferry page name) is the SHA-256 of the manifest, which commits
to every part.

One format, several uses: `kind` says which (portal→ledger, ledger→portal between the two sites of one office;
exchange-down, exchange-up between the instances of offices at different levels, see docs/exchange.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

FORMAT = "taizhang-ferry"
# 1: reports, messages, files; replies, statuses, sectors (and the exchange's parts).
# 2: adds the public survey: open surveys ledger→portal (parts/surveys.jsonl), answers portal→ledger
#    (parts/survey_answers.jsonl). A version-1 package has neither part and is still read as before; a
#    version above this one is refused.
VERSION = 2
MAGIC = b"TAIZHANG-FERRY\n"
SIGNATURE_HEX = 128
PORTAL_TO_LEDGER = "portal-to-ledger"
LEDGER_TO_PORTAL = "ledger-to-portal"
# Between Taizhang instances of different levels (taizhang.exchange): clues and supervision handed down,
# feedback and reports sent up.
EXCHANGE_DOWN = "exchange-down"
EXCHANGE_UP = "exchange-up"
KINDS = (PORTAL_TO_LEDGER, LEDGER_TO_PORTAL, EXCHANGE_DOWN, EXCHANGE_UP)
_CHUNK = 1 << 16
# A manifest is small; anything bigger is not one (and must not be read into memory whole).
_MAX_MANIFEST = 64 * 1024 * 1024


class PackageRefused(Exception):
    """A package that must not be applied, with the reason in Chinese for the person and the audit log."""

    def __init__(self, message: str, *, digest: str = "", sequence: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.digest = digest
        self.sequence = sequence


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class PackageWriter:
    """Collects parts in a scratch folder next to the target, then writes the signed package in one rename."""

    def __init__(self, target_dir: Path) -> None:
        target_dir.mkdir(parents=True, exist_ok=True)
        self.target_dir = target_dir
        self._scratch = Path(tempfile.mkdtemp(prefix=".ferry-", dir=target_dir))
        self._parts: list[dict[str, Any]] = []
        self._names: set[str] = set()  # the parts' names (a set: a package of 10,000 files has 10,000 parts)
        self.seen: set[str] = set()  # part names already added (one sealed file shared by two rows goes once)

    def add_bytes(self, name: str, data: bytes) -> str:
        """Add one part; returns its SHA-256."""
        return self.add_stream(name, [data])

    def add_stream(self, name: str, chunks: Iterable[bytes]) -> str:
        if not name.startswith("parts/") or ".." in name or name in self._names:
            raise ValueError(name)
        self._names.add(name)
        digest, size = hashlib.sha256(), 0
        # A unique scratch file: parts may be added while another part is being streamed (files met in a record).
        fd, scratch = tempfile.mkstemp(dir=self._scratch)
        os.close(fd)
        path = Path(scratch)
        with open(path, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self._parts.append({"name": name, "sha256": digest.hexdigest(), "bytes": size, "_path": path})
        return digest.hexdigest()

    def finish(
        self,
        *,
        kind: str,
        sender: str,
        receiver: str,
        sequence: int,
        counts: dict[str, int],
        signing_key: SigningKey,
        created_at: dt.datetime,
        extra: dict[str, Any] | None = None,
    ) -> tuple[Path, str]:
        """Write the package file (atomically: a reader never sees half of it); returns (path, digest)."""
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "kind": kind,
            "sender": sender,
            "receiver": receiver,
            "sequence": sequence,
            "created_at": created_at.astimezone(dt.UTC).isoformat(),
            "counts": counts,
            "parts": [{k: v for k, v in p.items() if k != "_path"} for p in self._parts],
            **(extra or {}),
        }
        body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
        signature = signing_key.sign(body).signature.hex().encode("ascii")
        name = f"taizhang-{kind}-{sender}-{sequence:08d}.pkg"
        tmp = self._scratch / "package.pkg"
        with open(tmp, "wb") as out:
            out.write(MAGIC + str(len(body)).encode() + b"\n" + body + b"\n" + signature + b"\n")
            for part in self._parts:
                with open(part["_path"], "rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        out.write(chunk)
                os.unlink(part["_path"])
            out.flush()
            os.fsync(out.fileno())
        target = self.target_dir / name
        os.replace(tmp, target)
        self.discard()
        return target, hashlib.sha256(body).hexdigest()

    def discard(self) -> None:
        for child in self._scratch.glob("*"):
            child.unlink()
        self._scratch.rmdir()


@dataclass
class Package:
    """A package whose layout, signature, addressing and every part's digest have been checked."""

    path: Path
    manifest: dict[str, Any]
    digest: str
    # part name -> (offset in the file, length)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def sequence(self) -> int:
        return int(self.manifest["sequence"])

    @property
    def sender(self) -> str:
        return str(self.manifest["sender"])

    def has(self, name: str) -> bool:
        return name in self.spans

    def read_part(self, name: str) -> bytes:
        offset, size = self.spans[name]
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(size)
        if hashlib.sha256(data).hexdigest() != self._listed[name]:  # the file changed since it was checked
            raise PackageRefused(_("数据包在导入过程中被改动。"), digest=self.digest, sequence=self.sequence)
        return data

    @cached_property
    def _listed(self) -> dict[str, str]:
        # Built once: every file of a package is a part, so rebuilding it per part read was quadratic in them.
        return {p["name"]: p["sha256"] for p in self.manifest["parts"]}

    def lines(self, name: str) -> Iterator[dict[str, Any]]:
        """The records of a JSON Lines part, one at a time (the part is re-hashed as it is read)."""
        if name not in self.spans:
            return
        offset, size = self.spans[name]
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            left = size
            while left > 0:
                raw = handle.readline(left)
                if not raw:
                    break
                left -= len(raw)
                digest.update(raw)
                if raw.strip():
                    yield json.loads(raw)
        if left or digest.hexdigest() != self._listed[name]:
            raise PackageRefused(_("数据包在导入过程中被改动。"), digest=self.digest, sequence=self.sequence)


def _refuse(message: str, **kw: Any) -> PackageRefused:
    return PackageRefused(message, **kw)


def _not_a_package() -> PackageRefused:
    return PackageRefused(_("文件不是有效的数据包，或已损坏、不完整。"))


def read_header(handle: IO[bytes]) -> tuple[bytes, bytes, int]:
    """(manifest bytes, signature hex, offset of the first part), or a refusal if the layout is wrong."""
    broken = _not_a_package()
    if handle.read(len(MAGIC)) != MAGIC:
        raise broken
    length_line = handle.readline(24)
    digits = length_line[:-1]
    if not length_line.endswith(b"\n") or not digits.isdigit() or str(int(digits)).encode() != digits:
        raise broken
    length = int(digits)
    if length > _MAX_MANIFEST:
        raise broken
    body = handle.read(length)
    if len(body) != length or handle.read(1) != b"\n":
        raise broken
    sig = handle.read(SIGNATURE_HEX + 1)
    if len(sig) != SIGNATURE_HEX + 1 or not sig.endswith(b"\n") or not re.fullmatch(rb"[0-9a-f]+", sig[:-1]):
        raise broken
    return body, sig[:-1], handle.tell()


def peek(path: Path) -> tuple[str, str]:
    """(sender, kind) a package claims, read before its signature is checked: only to choose the key to check
    it by and the code to apply it with (verify then checks both under the signature)."""
    try:
        with open(path, "rb") as handle:
            body, _sig, _start = read_header(handle)
        manifest = json.loads(body)
    except (OSError, ValueError) as exc:
        raise _not_a_package() from exc
    sender = manifest.get("sender") if isinstance(manifest, dict) else None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    if not isinstance(sender, str) or not sender or not isinstance(kind, str):
        raise _not_a_package()
    return sender, kind


def verify(path: Path, *, sender_key: VerifyKey, sender: str, receiver: str, kind: str) -> Package:
    """Check a package completely; raise PackageRefused (nothing read is trusted) or return it."""
    try:
        with open(path, "rb") as handle:
            body, sig, start = read_header(handle)
    except OSError as exc:
        raise _not_a_package() from exc
    digest = hashlib.sha256(body).hexdigest()
    try:
        sender_key.verify(body, bytes.fromhex(sig.decode("ascii")))
    except (BadSignatureError, ValueError) as exc:
        raise _refuse(_("数据包签名无效：内容被改动，或不是由受信任的站点签发。"), digest=digest) from exc
    try:
        manifest = json.loads(body)
    except ValueError as exc:  # pragma: no cover - a signed manifest is ours
        raise _refuse(_("数据包清单无法读取。"), digest=digest) from exc
    sequence = manifest.get("sequence")
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("version"), int):
        raise _refuse(_("文件不是台账数据包。"), digest=digest)
    if manifest["version"] > VERSION:
        raise _refuse(
            _("数据包格式版本 %(v)s 高于本系统支持的版本 %(mine)s，请先升级本系统。")
            % {"v": manifest["version"], "mine": VERSION},
            digest=digest,
            sequence=sequence,
        )
    if manifest.get("kind") != kind:
        raise _refuse(
            _("数据包方向不符：本站只接收“%(want)s”的数据包，收到的是“%(got)s”。")
            % {"want": kind_label(kind), "got": kind_label(str(manifest.get("kind")))},
            digest=digest,
            sequence=sequence,
        )
    if manifest.get("sender") != sender or manifest.get("receiver") != receiver:
        raise _refuse(_("数据包的发送方或接收方与本站配置不符。"), digest=digest, sequence=sequence)
    if not isinstance(sequence, int) or sequence < 1:
        raise _refuse(_("数据包序号无效。"), digest=digest)
    package = Package(path=path, manifest=manifest, digest=digest)
    _check_parts(package, start)
    return package


def _check_parts(package: Package, start: int) -> None:
    broken = _refuse(
        _("数据包内容与清单不符（部分内容缺失、多出或被改动），已拒收。"),
        digest=package.digest,
        sequence=package.sequence,
    )
    offset = start
    with open(package.path, "rb") as handle:
        handle.seek(start)
        for part in package.manifest.get("parts", []):
            name, size = part["name"], int(part["bytes"])
            if name in package.spans:
                raise broken
            digest, left = hashlib.sha256(), size
            while left > 0:
                chunk = handle.read(min(_CHUNK, left))
                if not chunk:
                    raise broken
                digest.update(chunk)
                left -= len(chunk)
            if digest.hexdigest() != part["sha256"]:
                raise broken
            package.spans[name] = (offset, size)
            offset += size
        if handle.read(1):  # anything after the last part
            raise broken


def kind_label(kind: str) -> str:
    """The direction in words."""
    return {
        PORTAL_TO_LEDGER: _("举报平台→台账"),
        LEDGER_TO_PORTAL: _("台账→举报平台"),
        EXCHANGE_DOWN: _("上级→下级"),
        EXCHANGE_UP: _("下级→上级"),
    }.get(kind, _("未知"))


def jsonl(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """JSON Lines, one record per line, for PackageWriter.add_stream."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False, sort_keys=True).encode() + b"\n"

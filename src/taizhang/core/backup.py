"""Backups: the whole installation in one tar archive with a SHA-256 manifest, and restore into an empty one.

The archive holds every table's rows (each model in primary-key order, one JSON line per row, full
microsecond precision so the audit chain's hashes still match), the attachments under MEDIA_ROOT and the
identity key file. It is as sensitive as the identity key itself: whoever holds it can open every sealed
reporter identity (see SECURITY.md).

Restore refuses an installation that already holds people, audit entries or records: it replaces what the
migrations seeded with the archive's rows, inserts everything in one transaction (foreign keys are checked
at commit on both SQLite and PostgreSQL, so the order of tables does not matter), audit rows in id order,
then resets the primary-key sequences.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from taizhang import conf

FORMAT = "taizhang-backup/1"
# Archive member -> the setting naming the key file it is.
_KEY_FILES = {"keys/identity.key": "IDENTITY_KEY_FILE", "keys/audit.key": "AUDIT_KEY_FILE"}
MANIFEST = "manifest.json"
# Tables that are not part of what an installation keeps: sign-in sessions are dropped on purpose (a restored
# system makes everyone sign in again).
# The clue tally and the units each clue was given to are derived: restoring the clues, assignments and
# transfers recounts them through their triggers (clues/visibility/tally.py, clues/visibility/handled.py).
SKIPPED_MODELS = {"sessions.session", "reports.cluetally", "clues.handledclue"}
# A used installation has at least one of these; restore refuses to overwrite it.
NONEMPTY_MARKERS = ("org.user", "core.auditentry", "clues.clue")
_BATCH = 1000

Progress = Callable[[str], None]


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class Summary:
    """What a backup or restore handled."""

    rows: dict[str, int]
    files: int
    path: Path


def _models() -> list[type[models.Model]]:
    """Every concrete model with a table of its own, including many-to-many link tables."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in SKIPPED_MODELS:
            continue
        found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {"$t": type(value).__name__, "v": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$t": "decimal", "v": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$t": "uuid", "v": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"$t": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.timedelta):
        return {"$t": "timedelta", "v": value.total_seconds()}
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict) or set(value) != {"$t", "v"}:
        return value
    kind, raw = value["$t"], value["v"]
    if kind == "datetime":
        return dt.datetime.fromisoformat(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "time":
        return dt.time.fromisoformat(raw)
    if kind == "decimal":
        return decimal.Decimal(raw)
    if kind == "uuid":
        return uuid.UUID(raw)
    if kind == "bytes":
        return base64.b64decode(raw)
    if kind == "timedelta":
        return dt.timedelta(seconds=raw)
    return value


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields]


def iter_rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """The model's rows as {column attname: value}, in primary-key order, read in batches."""
    fields = _columns(model)
    names = [f.attname for f in fields]
    pk = model._meta.pk.attname
    qs = model._base_manager.order_by(pk).values_list(*names)
    last = None
    while True:
        batch = list((qs.filter(**{f"{pk}__gt": last}) if last is not None else qs)[:_BATCH])
        if not batch:
            return
        for values in batch:
            yield dict(zip(names, values, strict=True))
        last = batch[-1][names.index(pk)]


def row_line(row: dict[str, Any]) -> str:
    """One row as canonical JSON text (the form written to the archive and compared by the tests)."""
    # JSON columns hold arbitrary structures: they are stored as they come, everything else is typed.
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=_encode)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and not relative.startswith("tmp/"):
            yield relative, path


def create_backup(target: Path, *, progress: Progress | None = None) -> Summary:
    """Write the archive to `target` (written beside it first, then moved in place)."""
    say = progress or (lambda _msg: None)
    target = Path(target)
    work = Path(tempfile.mkdtemp(prefix="taizhang-backup-"))
    try:
        members: dict[str, dict[str, Any]] = {}
        rows: dict[str, int] = {}
        # One repeatable view of the database while the rows are read (PostgreSQL); SQLite readers see a
        # snapshot for the duration of the transaction anyway.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in _models():
                label = model._meta.label_lower
                name = f"data/{label}.jsonl"
                path = work / name
                path.parent.mkdir(parents=True, exist_ok=True)
                count = 0
                with path.open("w", encoding="utf-8") as out:
                    for row in iter_rows(model):
                        out.write(row_line(row) + "\n")
                        count += 1
                rows[label] = count
                members[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
                say(f"{label}: {count}")
            migrations = _applied_migrations()
        files = 0
        for relative, path in _media_files():
            members[f"files/{relative}"] = {"sha256": _sha256(path), "size": path.stat().st_size, "src": path}
            files += 1
        # The keys outside the database go with it: without the identity key no sealed identity opens, without
        # the audit key the restored chain cannot be verified.
        for member, key_path in _KEY_FILES.items():
            key_file = Path(getattr(settings, key_path))
            if key_file.exists():
                members[member] = {
                    "sha256": _sha256(key_file),
                    "size": key_file.stat().st_size,
                    "src": key_file,
                }
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "rows": rows,
            "identity_key_in_environment": bool(settings.IDENTITY_KEY),
            "audit_key_in_environment": bool(settings.AUDIT_KEY),
            "members": {k: {"sha256": v["sha256"], "size": v["size"]} for k, v in members.items()},
        }
        tmp_target = target.with_name(target.name + ".partial")
        # Created 0600: the archive holds the identity key from its first bytes on.
        with (
            conf.open_private(tmp_target) as raw,
            tarfile.open(fileobj=raw, mode="w:gz" if target.name.endswith(".gz") else "w") as archive,
        ):
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, meta in members.items():
                source = meta.get("src") or (work / name)
                info = archive.gettarinfo(str(source), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o600
                with open(source, "rb") as handle:
                    archive.addfile(info, handle)
        os.chmod(tmp_target, 0o600)
        os.replace(tmp_target, target)
        say(f"archive: {target} ({files} files)")
        return Summary(rows=rows, files=files, path=target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def read_archive(source: Path) -> tuple[dict[str, Any], Path]:
    """Unpack the archive into a temporary directory after checking every member against the manifest."""
    work = Path(tempfile.mkdtemp(prefix="taizhang-restore-"))
    try:
        with tarfile.open(source, "r:*") as archive:
            try:
                manifest = json.loads(archive.extractfile(MANIFEST).read())  # type: ignore[union-attr]
            except (KeyError, AttributeError, ValueError) as exc:
                raise BackupError("not a Taizhang backup: manifest.json is missing or unreadable") from exc
            if manifest.get("format") != FORMAT:
                raise BackupError(f"unknown backup format {manifest.get('format')!r}")
            expected = manifest["members"]
            for member in archive.getmembers():
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_member(member.name) or member.name not in expected:
                    raise BackupError(f"unexpected member in archive: {member.name!r}")
                target = work / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as handle, target.open("wb") as out:  # type: ignore[union-attr]
                    shutil.copyfileobj(handle, out)
        for name, meta in expected.items():
            path = work / name
            if not path.exists():
                raise BackupError(f"archive is missing {name}")
            if _sha256(path) != meta["sha256"]:
                raise BackupError(f"checksum mismatch for {name}: the archive is damaged or was altered")
        return manifest, work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def installation_is_empty() -> bool:
    """True when no person, audit entry or clue exists yet (only what the migrations seed)."""
    for label in NONEMPTY_MARKERS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._base_manager.exists():
            return False
    return True


def _wipe(all_models: list[type[models.Model]]) -> None:
    tables = [m._meta.db_table for m in all_models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


@contextlib.contextmanager
def _stored_timestamps(all_models: list[type[models.Model]]) -> Iterator[None]:
    """Keep auto_now / auto_now_add values as the archive has them instead of stamping 'now'."""
    changed = []
    for model in all_models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                changed.append((field, field.auto_now, field.auto_now_add))  # type: ignore[attr-defined]
                field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _insert(model: type[models.Model], path: Path) -> int:
    fields = {f.attname: f for f in _columns(model)}
    count = 0
    batch: list[models.Model] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            values = {}
            for name, value in raw.items():
                field = fields[name]
                values[name] = value if isinstance(field, models.JSONField) else _decode(value)
            batch.append(model(**values))
            if len(batch) >= _BATCH:
                model._base_manager.bulk_create(batch)
                count += len(batch)
                batch = []
    if batch:
        model._base_manager.bulk_create(batch)
        count += len(batch)
    return count


def restore_backup(source: Path, *, progress: Progress | None = None) -> Summary:
    """Restore the archive into this (empty) installation: database rows, attachments, identity key."""
    say = progress or (lambda _msg: None)
    manifest, work = read_archive(Path(source))
    try:
        if not installation_is_empty():
            raise BackupError("this installation already holds data; restore only into an empty installation")
        here = _applied_migrations()
        if here != manifest["migrations"]:
            missing = sorted(set(manifest["migrations"]) - set(here))
            extra = sorted(set(here) - set(manifest["migrations"]))
            raise BackupError(
                "the database schema differs from the backup's: "
                f"missing {missing[:5]}, not in backup {extra[:5]} (run the same version's migrate first)"
            )
        all_models = _models()
        by_label = {m._meta.label_lower: m for m in all_models}
        unknown = set(manifest["rows"]) - set(by_label)
        if unknown:
            raise BackupError(f"the backup has tables this version does not know: {sorted(unknown)}")
        rows: dict[str, int] = {}
        with transaction.atomic(), _stored_timestamps(all_models):
            _wipe(all_models)
            for label in sorted(manifest["rows"]):
                rows[label] = _insert(by_label[label], work / f"data/{label}.jsonl")
                if rows[label] != manifest["rows"][label]:
                    raise BackupError(
                        f"{label}: restored {rows[label]} rows, the backup has {manifest['rows'][label]}"
                    )
                say(f"{label}: {rows[label]}")
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), all_models):
                    cursor.execute(sql)
        files = _restore_files(manifest, work)
        _restore_key(manifest, work)
        say(f"restored {sum(rows.values())} rows and {files} files")
        return Summary(rows=rows, files=files, path=Path(source))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _restore_files(manifest: dict[str, Any], work: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    for name in manifest["members"]:
        if not name.startswith("files/"):
            continue
        target = (root / name[len("files/") :]).resolve()
        if not target.is_relative_to(root.resolve()):
            raise BackupError(f"file outside the storage root: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / name, target)
        count += 1
    return count


def _restore_key(manifest: dict[str, Any], work: Path) -> None:
    for member, setting in _KEY_FILES.items():
        source = work / member
        if member not in manifest["members"]:
            continue
        target = Path(getattr(settings, setting))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and target.read_bytes() != source.read_bytes():
            # An empty installation may have generated a key of its own; keep it aside rather than lose it.
            target.replace(target.with_name(target.name + ".before-restore"))
        with source.open("rb") as handle, conf.open_private(target) as out:
            shutil.copyfileobj(handle, out)
    from taizhang.core import audit_key, sealing

    sealing.reset_keyring_cache()
    audit_key.reset_key_cache()

"""Typed readers for the environment variables that configure Taizhang (no Django imports)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """Raised when the environment cannot make a safe configuration."""


def env_str(name: str, default: str = "") -> str:
    """The variable as a stripped string, or the default."""
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    """The variable read as a boolean: 1/true/yes/on are true."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    """The variable read as an integer."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """The variable read as a comma-separated list."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def var_dir() -> Path:
    """Where the installation keeps its files (database, attachments, keys): TAIZHANG_VAR_DIR or ./var."""
    path = Path(env_str("TAIZHANG_VAR_DIR") or Path.cwd() / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(debug: bool) -> str:
    """TAIZHANG_SECRET_KEY; in development generated once into var/, in production required."""
    key = env_str("TAIZHANG_SECRET_KEY")
    if key:
        if not debug and len(key) < 40:
            raise ConfigError("TAIZHANG_SECRET_KEY must be at least 40 characters in production mode")
        return key
    if not debug:
        raise ConfigError("TAIZHANG_SECRET_KEY is required in production mode (TAIZHANG_DEBUG=0)")
    path = var_dir() / "secret_key"
    if not path.exists():
        with open_private(path, "w") as out:
            out.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def open_private(path: Path | str, mode: str = "wb") -> Any:
    """Open a new file for writing that is readable by its owner only from the first byte (mode 0600 at
    creation, whatever the process umask), rather than created 0644 and narrowed after it was written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    return os.fdopen(fd, mode)


def ensure_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it is missing, and narrow it to 0600 if it exists (the SQLite
    database: SQLite creates its -wal and -shm files with the database file's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    open_private_existing = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(open_private_existing, 0o600)
    finally:
        os.close(open_private_existing)


def cache(url: str) -> dict[str, object]:
    """CACHES["default"] from TAIZHANG_CACHE_URL: empty → the database (table taizhang_cache, made by
    `taizhang migrate`), redis://… or rediss://… → Redis, locmem:// → this process only (one-process use)."""
    from urllib.parse import urlsplit

    if not url:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "taizhang_cache"}
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        table = urlsplit(url).netloc or "taizhang_cache"
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ConfigError(f"TAIZHANG_CACHE_URL must be redis://…, db://table or locmem://, got {url!r}")


def storage(url: str) -> dict[str, object]:
    """STORAGES["default"] from TAIZHANG_STORAGE_URL: empty → the folder MEDIA_ROOT (TAIZHANG_FILES_DIR, a
    folder every node mounts), file:///path → that folder, s3://bucket/prefix?endpoint_url=…&region=… →
    S3-compatible object storage through django-storages (keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)."""
    from urllib.parse import parse_qs, urlsplit

    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme == "file":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": parts.path}}
    if parts.scheme == "s3":
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        options: dict[str, object] = {
            "bucket_name": parts.netloc,
            "location": parts.path.strip("/"),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        }
        if "endpoint_url" in query:
            options["endpoint_url"] = query["endpoint_url"]
        if "region" in query:
            options["region_name"] = query["region"]
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ConfigError(f"TAIZHANG_STORAGE_URL must be file:///path or s3://bucket/prefix, got {url!r}")

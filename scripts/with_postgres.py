#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster on 127.0.0.1 (initdb + pg_ctl in a temp dir).

Usage: with_postgres.py -- COMMAND...   Sets TAIZHANG_DATABASE_URL for the command, stops and removes the
cluster afterwards. Installs Debian's postgresql when missing and running as root. When PostgreSQL cannot
be had it says so loudly and fails under CI=true (exits 0 with a warning only outside CI).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _find_bin_dir() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]), reverse=True
    )
    for candidate in candidates:
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _install() -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    print("with_postgres: installing Debian's postgresql …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=False, env=env)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root; the Debian package creates a 'postgres' system user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__)
        return 2
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        _install()
        bin_dir = _find_bin_dir()
    if bin_dir is None:
        banner = "!" * 72
        print(
            f"{banner}\nPostgreSQL is NOT available: the PostgreSQL half of the suite did not run.\n{banner}"
        )
        return 1 if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else 0
    root = Path(tempfile.mkdtemp(prefix="taizhang-pg-"))
    data = root / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
    log = root / "server.log"
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        opts = f"-h 127.0.0.1 -p {port} -k {root} -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_postgres(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = {**os.environ, "TAIZHANG_DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres"}
        print(f"with_postgres: PostgreSQL from {bin_dir} on 127.0.0.1:{port}", flush=True)
        return subprocess.run(argv, env=env, check=False).returncode
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""`taizhang ferry`: keys, export, import and status of the sealed ferry between the portal and the ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.ferry import drop, keys, package
from taizhang.ferry.journal import AlreadyApplied
from taizhang.ferry.models import PackageLog


class Command(BaseCommand):
    help = "The sealed ferry: `keys init|public|trust|rotate`, `export [--out DIR]`, `import FILE`, `status`."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        k = sub.add_parser("keys", help="this site's keys and the other site's public key")
        k.add_argument("action", choices=["init", "public", "trust", "rotate"])
        k.add_argument("file", nargs="?", help="public key file to write (public) or read (trust)")
        k.add_argument("--site-id", default="", help="this site's name in packages (init)")
        e = sub.add_parser("export", help="write one package of everything new since the last")
        e.add_argument("--out", default="", help="folder for the package (default TAIZHANG_FERRY_OUTBOX)")
        i = sub.add_parser("import", help="apply one package, all or nothing")
        i.add_argument("file")
        i.add_argument(
            "--accept-gap", default="", metavar="REASON", help="apply despite missing numbers (audited)"
        )
        sub.add_parser("status", help="the last packages each way and any refused")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['what']}")(options)
        except keys.KeysMissing as exc:
            raise CommandError(str(exc)) from exc

    def _keys(self, options: dict[str, Any]) -> None:
        action, file = options["action"], options["file"]
        if action == "init":
            role = "portal" if settings.SITE == "portal" else "ledger"
            try:
                own = keys.init(role, options["site_id"])
            except FileExistsError as exc:
                raise CommandError(f"本站密钥已存在：{exc}（轮换请用 keys rotate）") from exc
            self.stdout.write(f"site {own.site_id} ({own.role}) keys written to {keys.ferry_dir()}")
        elif action == "public":
            text = json.dumps(keys.public_half(keys.own()), indent=1)
            if file:
                Path(file).write_text(text)
            else:
                self.stdout.write(text)
        elif action == "trust":
            if not file:
                raise CommandError("请给出对方站点的公钥文件。")
            try:
                held = keys.trust(json.loads(Path(file).read_text()))
            except (ValueError, OSError) as exc:
                raise CommandError(f"公钥文件无效：{exc}") from exc
            self.stdout.write(f"trusting {held.site_id} ({held.role})")
        else:
            own = keys.rotate()
            self.stdout.write(f"site {own.site_id}: new keys; hand the new public key to the other site")

    def _export(self, options: dict[str, Any]) -> None:
        out = options["out"] or settings.FERRY_OUTBOX
        if not out:
            raise CommandError("请用 --out 指定输出目录，或设置 TAIZHANG_FERRY_OUTBOX。")
        log = drop.side().export(Path(out))
        if log is None:
            self.stdout.write("nothing new")
            return
        self.stdout.write(
            f"package {log.sequence} written: {Path(out) / log.file_name} {log.counts} sha256={log.digest}"
        )

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            log = drop.side().apply(path, accept_gap_reason=options["accept_gap"])
        except AlreadyApplied as exc:
            self.stdout.write(exc.message)
            return
        except package.PackageRefused as exc:
            raise CommandError(f"数据包已拒收：{exc.message}") from exc
        self.stdout.write(f"package {log.sequence} applied: {log.counts} sha256={log.digest}")

    def _status(self, options: dict[str, Any]) -> None:
        for row in PackageLog.objects.all()[:20]:
            self.stdout.write(
                f"{row.created_at:%Y-%m-%d %H:%M:%S} {row.direction} {row.peer} #{row.sequence} {row.outcome} "
                f"{row.counts} {row.reason}"
            )

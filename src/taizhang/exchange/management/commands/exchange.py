"""`taizhang exchange`: this instance's keys, the partner registry, export, import and status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.core.actors import CLI
from taizhang.core.errors import ActionError
from taizhang.exchange import keys, registry, transport
from taizhang.exchange.models import Partner
from taizhang.ferry import package
from taizhang.ferry.journal import AlreadyApplied
from taizhang.ferry.keys import KeysMissing
from taizhang.ferry.models import PackageLog
from taizhang.org.models import Unit

ACTOR = CLI


class Command(BaseCommand):
    help = (
        "The exchange between levels: `keys init|public|rotate`, `partner add|revoke|leave|list`, "
        "`export [--out DIR]`, `import FILE [--accept-gap REASON]`, `status`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        k = sub.add_parser("keys", help="this instance's identity")
        k.add_argument("action", choices=["init", "public", "rotate"])
        k.add_argument("file", nargs="?", help="where to write the public half (public)")
        k.add_argument("--instance-id", default="", help="this instance's name in packages (init)")
        p = sub.add_parser("partner", help="the registry of other instances")
        p.add_argument("action", choices=["add", "revoke", "leave", "list"])
        p.add_argument("unit", nargs="?", help="add: the unit's code; revoke/leave: the instance id")
        p.add_argument("link", nargs="?", choices=["parent", "child"], help="add: parent or child")
        p.add_argument("file", nargs="?", help="add: the partner's public half")
        p.add_argument("--key", default="", help="revoke: the signing key (hex)")
        p.add_argument("--reason", default="", help="revoke/leave: why (audited)")
        e = sub.add_parser("export", help="a package for every partner with something new")
        e.add_argument("--out", default="", help="folder (default TAIZHANG_EXCHANGE_OUTBOX)")
        i = sub.add_parser("import", help="apply one package, all or nothing")
        i.add_argument("file")
        i.add_argument("--accept-gap", default="", metavar="REASON", help="apply despite missing numbers")
        sub.add_parser("status", help="the last packages and any refused")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['what']}")(options)
        except (KeysMissing, ActionError) as exc:
            raise CommandError(str(exc)) from exc

    def _keys(self, options: dict[str, Any]) -> None:
        if options["action"] == "init":
            try:
                me = keys.init(options["instance_id"])
            except FileExistsError as exc:
                raise CommandError(f"本实例密钥已存在：{exc}（轮换请用 keys rotate）") from exc
            self.stdout.write(f"instance {me.instance_id}: keys written to {settings.EXCHANGE_DIR}")
        elif options["action"] == "public":
            text = json.dumps(keys.public_half(keys.own()), indent=1)
            if options["file"]:
                Path(options["file"]).write_text(text)
            else:
                self.stdout.write(text)
        else:
            me = keys.rotate()
            self.stdout.write(
                f"instance {me.instance_id}: new keys; give the new public half to every partner"
            )

    def _partner(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "list":
            for p in Partner.objects.select_related("unit").prefetch_related("keys").order_by("id"):
                active = sum(1 for k in p.keys.all() if k.revoked_at is None)
                state = "left" if p.left_at else "active"
                self.stdout.write(
                    f"{p.instance_id} {p.unit.code} {p.unit.instance_link} {state} keys={active}"
                )
            return
        if not options["unit"]:
            raise CommandError("请给出单位代码或实例标识。")
        if action == "add":
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None or not options["link"] or not options["file"]:
                raise CommandError("用法：partner add 单位代码 parent|child 公钥文件")
            try:
                public = json.loads(Path(options["file"]).read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"公钥文件无效：{exc}") from exc
            partner = registry.do_add_partner(actor=ACTOR, unit=unit, link=options["link"], public=public)
            self.stdout.write(f"partner {partner.instance_id} registered as {unit.name} ({options['link']})")
            return
        found = Partner.objects.select_related("unit").filter(instance_id=options["unit"]).first()
        if found is None:
            raise CommandError("未登记该实例。")
        if action == "revoke":
            registry.do_revoke_key(
                actor=ACTOR, partner=found, verify_key=options["key"], reason=options["reason"]
            )
            self.stdout.write(f"key revoked for {found.instance_id}")
        else:
            registry.do_leave(actor=ACTOR, partner=found, reason=options["reason"])
            self.stdout.write(f"{found.instance_id} has left the exchange")

    def _export(self, options: dict[str, Any]) -> None:
        out = options["out"] or settings.EXCHANGE_OUTBOX
        if not out:
            raise CommandError("请用 --out 指定输出目录，或设置 TAIZHANG_EXCHANGE_OUTBOX。")
        written = transport.export_all(Path(out))
        if not written:
            self.stdout.write("nothing new")
        for log in written:
            self.stdout.write(
                f"package {log.sequence} for {log.peer} written: {Path(out) / log.file_name} {log.counts}"
            )

    def _import(self, options: dict[str, Any]) -> None:
        try:
            log = transport.apply(Path(options["file"]), accept_gap_reason=options["accept_gap"])
        except AlreadyApplied as exc:
            self.stdout.write(exc.message)
            return
        except package.PackageRefused as exc:
            raise CommandError(f"数据包已拒收：{exc.message}") from exc
        self.stdout.write(f"package {log.sequence} from {log.peer} applied: {log.counts} sha256={log.digest}")

    def _status(self, options: dict[str, Any]) -> None:
        kinds = (package.EXCHANGE_DOWN, package.EXCHANGE_UP, "")
        for row in PackageLog.objects.filter(kind__in=kinds)[:20]:
            self.stdout.write(
                f"{row.created_at:%Y-%m-%d %H:%M:%S} {row.direction} {row.peer} #{row.sequence} {row.outcome} "
                f"{row.counts} {row.reason}"
            )

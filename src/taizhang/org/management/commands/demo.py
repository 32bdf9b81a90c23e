"""`taizhang demo`: build a realistic demo city once (units, people, and each app's records).

It lives in org, whose demo city every other app's demo builds on (core, below org, cannot ask for units)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from taizhang.core.demo_context import DemoContext, DemoHook
from taizhang.core.discovery import hooks
from taizhang.org.models import Unit


class Command(BaseCommand):
    help = "Create the demo city and its records (skipped when demo data already exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.filter(code="CITY-SHB").exists():
            self.stdout.write("demo data already present; nothing to do")
            return
        ctx = DemoContext(seed=options["seed"], out=None if options["quiet"] else self.stdout)
        # The notification mails the demo's history would send go nowhere (the console backend would print
        # hundreds of them under `make run`); the inboxes in the app hold them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for module in hooks("demo", DemoHook):
                with transaction.atomic():
                    module.populate(ctx)
                ctx.say(f"{module.__name__}: done")
            # Steps that need every app's records first (an app's demo registers them in ctx.extra).
            for finish in ctx.extra.get("finishers", []):
                with transaction.atomic():
                    finish(ctx)
        ctx.say("demo data ready")
        highlights = ctx.extra.get("highlights", [])
        if highlights:
            rule = "=" * 64
            self.stdout.write("\n".join(["", rule, *highlights, rule, ""]))

"""`taizhang worker`: run supervision's due work (reminders, urging, escalation, email) in a loop, or once."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from taizhang.supervision.worker import run_once


class Command(BaseCommand):
    help = (
        "Send due reminders, urging notices, escalations and emails. Safe to run on several machines at once."
    )
    # Run from cron every minute: the system checks (every URLconf and view imported) belong to deployment
    # (`taizhang check`), not to each pass; they were most of a quiet pass's start-up time.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="seconds between passes (default 60)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def _stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while True:
            close_old_connections()
            started = time.monotonic()
            results = run_once()
            summary = ", ".join(f"{name.rsplit('.', 1)[-1]}={n}" for name, n in results.items())
            self.stdout.write(f"worker pass in {time.monotonic() - started:.1f}s: {summary}")
            if options["once"] or stopping:
                return
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, options["interval"]))
            if stopping:
                return

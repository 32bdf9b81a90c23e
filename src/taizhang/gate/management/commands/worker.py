"""`taizhang worker` on the internet portal site: the ferry's drop folders, in a loop or once.

On the ledger and combined sites supervision's `worker` (listed first in INSTALLED_APPS) is the command, and
it runs the ferry's drop folders among its jobs; this one exists where supervision does not.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from taizhang.ferry.drop import run


class Command(BaseCommand):
    help = "Watch the ferry's drop folders (import what arrives, export what is new)."
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
            self.stdout.write(f"worker pass: ferry={run(timezone.now())}")
            if options["once"] or stopping:
                return
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, options["interval"]))
            if stopping:
                return

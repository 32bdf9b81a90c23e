"""`taizhang worker`: run the job queue (imports, documents, rebuilds) and supervision's due work, in a loop.

Every second: beat (jobs.WorkerBeat), every JOB_STALE_SECONDS/4 recover jobs whose worker died (jobs.runner
.reap), run every ready job (django-tasks' database queue). Every --interval seconds: one supervision pass
(reminders, urging, escalation, email). Safe on several machines at once; `--once` for cron.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from taizhang.jobs import runner
from taizhang.supervision.worker import run_once

log = logging.getLogger("taizhang.jobs")


class Command(BaseCommand):
    help = "Run queued jobs and send due reminders, urging notices, escalations and emails. Safe on several machines."
    # Run from cron every minute: the system checks (every URLconf and view imported) belong to deployment
    # (`taizhang check`), not to each pass; they were most of a quiet pass's start-up time.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="seconds between supervision passes (default 60)"
        )
        parser.add_argument("--no-jobs", action="store_true", help="do not run the job queue")
        parser.add_argument("--jobs-only", action="store_true", help="run only the job queue")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def _stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        runner.IN_WORKER = True
        me = runner.worker_id()
        jobs = not options["no_jobs"]
        passes = not options["jobs_only"]
        next_pass = next_reap = 0.0
        while True:
            close_old_connections()
            now = time.monotonic()
            if jobs:
                try:
                    runner.beat_worker(me)
                    if now >= next_reap:
                        reaped = runner.reap()
                        if any(reaped.values()):
                            self.stdout.write(f"jobs recovered: {reaped}")
                        next_reap = now + max(1.0, settings.JOB_STALE_SECONDS / 4)
                    ran = runner.run_ready()
                    if ran:
                        self.stdout.write(f"jobs run: {ran}")
                except DatabaseError:
                    # The database restarting or failing over: try again on the next tick.
                    log.warning("job queue unavailable; retrying", exc_info=True)
                    close_old_connections()
            if passes and (now >= next_pass or options["once"]):
                started = time.monotonic()
                results = run_once()
                summary = ", ".join(f"{name.rsplit('.', 1)[-1]}={n}" for name, n in results.items())
                self.stdout.write(f"worker pass in {time.monotonic() - started:.1f}s: {summary}")
                next_pass = started + options["interval"]
            if options["once"] or stopping:
                return
            time.sleep(1.0)
            if stopping:
                return

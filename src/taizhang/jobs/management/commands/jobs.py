"""`taizhang jobs`: list recent jobs, queue one by kind, or recover the jobs of lost workers now."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.jobs import registry, runner
from taizhang.jobs.models import Job


class Command(BaseCommand):
    help = "Background jobs: list, queue KIND [--params JSON], reap, run (ready jobs, then exit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "queue", "reap", "run", "kinds"])
        parser.add_argument("kind", nargs="?", default="")
        parser.add_argument("--params", default="{}")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "kinds":
            for name, kind in sorted(registry.kinds().items()):
                self.stdout.write(f"{name}: {kind.label}")
        elif action == "queue":
            try:
                job = runner.enqueue(options["kind"], params=json.loads(options["params"]))
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"queued job {job.pk} ({job.kind})")
        elif action == "reap":
            self.stdout.write(json.dumps(runner.reap()))
        elif action == "run":
            self.stdout.write(f"ran {runner.run_ready()} jobs")
        else:
            for job in Job.objects.order_by("-id")[:30]:
                self.stdout.write(
                    f"{job.pk:>6} {job.kind:<20} {job.status:<8} {job.done}/{job.total} "
                    f"attempts={job.attempts} worker={job.worker_id or '-'} {job.error[:60]}"
                )

"""`taizhang people resolve`: resolve the whole ledger's subjects into entities, in batches, with progress."""

from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from taizhang.people.resolve import resolve_all


class Command(BaseCommand):
    help = "人员与组织：resolve 识别整个台账中的被举报对象和问责对象。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        resolve = sub.add_parser("resolve", help="识别整个台账（分批，显示进度）")
        resolve.add_argument("--no-progress", action="store_true", help="不显示进度条")
        resolve.add_argument("--queue", action="store_true", help="交由后台任务进程（taizhang worker）执行")
        resolve.add_argument("--batch", type=int, default=500, help="每批读取的记录数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("queue"):
            from taizhang.jobs import runner

            job = runner.enqueue("people.resolve")
            self.stdout.write(f"resolution queued as job {job.pk}; `taizhang worker` runs it")
            return
        started = time.perf_counter()
        with tqdm(desc="resolve", unit="record", disable=options["no_progress"], file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            counts = resolve_all(progress, batch=max(1, options["batch"]))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        self.stdout.write(
            f"clues: {counts['clues']}  suspects: {counts['suspects']}  accountability: {counts['accountability']}  "
            f"entities: {counts['entities']}  seconds: {time.perf_counter() - started:.1f}  peak MiB: {peak}"
        )

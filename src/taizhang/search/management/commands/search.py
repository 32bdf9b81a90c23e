"""`taizhang search rebuild`: re-create the search index and the clue duplicate keys, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from taizhang.search import duplicates, index


class Command(BaseCommand):
    help = "检索索引维护：rebuild 重建全文索引和线索查重特征。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser("rebuild", help="重建全文索引和线索查重特征")
        rebuild.add_argument("--no-progress", action="store_true", help="不显示进度条")
        rebuild.add_argument("--queue", action="store_true", help="交由后台任务进程（taizhang worker）执行")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["no_progress"]
        if options.get("queue"):
            from taizhang.jobs import runner

            job = runner.enqueue("search.rebuild")
            self.stdout.write(f"rebuild queued as job {job.pk}; `taizhang worker` runs it")
            return
        total = index.total_records()
        with tqdm(total=total, desc="index", unit="doc", disable=quiet, file=self.stderr) as bar:
            counts = index.rebuild(progress=bar.update)
        from taizhang.clues.models import Clue

        with tqdm(
            total=Clue.objects.count(), desc="keys", unit="clue", disable=quiet, file=self.stderr
        ) as bar:
            keyed = duplicates.rebuild_keys(progress=bar.update)
        for model, count in counts.items():
            self.stdout.write(f"{model}: {count}")
        self.stdout.write(f"clue keys: {keyed}")

"""`taizhang restore FILE`: bring a backup archive back into an empty installation, checksums first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from taizhang.core.audit import verify_chain
from taizhang.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty, migrated installation (refuses one that holds data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        with tqdm(desc="restore", unit=" tables", disable=options["quiet"]) as bar:

            def progress(message: str) -> None:
                bar.set_postfix_str(message[:60])
                bar.update(1)

            try:
                summary = restore_backup(source, progress=progress)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        count, problem = verify_chain()
        if problem is not None:
            raise CommandError(f"restored, but the audit chain does not verify at entry {problem.entry_id}")
        self.stdout.write(
            f"restored {sum(summary.rows.values())} rows and {summary.files} files; audit chain intact ({count})"
        )

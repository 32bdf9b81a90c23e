"""`taizhang backup FILE`: the database, attachments and identity key in one archive with checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from taizhang.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup archive (tar; .tar.gz compresses). It holds the identity key: keep it as safe as the key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name")
        with tqdm(desc="backup", unit=" tables", disable=options["quiet"]) as bar:

            def progress(message: str) -> None:
                bar.set_postfix_str(message[:60])
                bar.update(1)

            try:
                summary = create_backup(target, progress=progress)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup written: {summary.path} ({sum(summary.rows.values())} rows, {summary.files} files)"
        )

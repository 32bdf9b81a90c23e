"""`taizhang audit verify`: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` exits 0 when the keyed hash chain is intact and agrees with the checkpoint "
        "outside the database (then moves the checkpoint to the newest row), 1 naming the first bad row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        count, problem = verify_chain(anchor=True)
        if problem is not None:
            raise CommandError(
                f"audit chain broken at entry {problem.entry_id}: {problem.message} ({count} entries intact before it)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {count} entries")

"""`taizhang keys rotate` (new identity key, re-encrypt everything) and `taizhang keys status`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from taizhang.core import audit, sealing
from taizhang.core.actors import CLI
from taizhang.reporters import rotation


class Command(BaseCommand):
    help = "Rotate the key that seals reporter identities (rotate), or show which keys are in use (status)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "status"])
        parser.add_argument(
            "--resume",
            action="store_true",
            help="finish re-encrypting under the current key without making a new one",
        )
        parser.add_argument("--batch", type=int, default=200)
        parser.add_argument(
            "--queue",
            action="store_true",
            help="leave the re-encryption to `taizhang worker` as a tracked job (jobs page, resumable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self._status()
            return
        if settings.IDENTITY_KEY:
            raise CommandError(
                "TAIZHANG_IDENTITY_KEY is set: rotation writes the key file. Move the key to the key file "
                f"({settings.IDENTITY_KEY_FILE}) and unset the variable first."
            )
        sealing.reset_keyring_cache()
        sealing.keyring()  # creates the key file on a fresh installation
        if options["resume"]:
            kid = sealing.key_id(sealing.keyring()[0])
            self.stdout.write(f"resuming under key {kid}")
        else:
            kid = sealing.add_key_to_file(settings.IDENTITY_KEY_FILE)
            audit.record("keys.rotate", actor=CLI, object_type="core.identity_key", object_id=kid)
            self.stdout.write(
                f"new key {kid} is now first in {settings.IDENTITY_KEY_FILE}; older keys kept below"
            )
        if options["queue"]:
            from taizhang.jobs import runner

            job = runner.enqueue("reporters.reseal")
            self.stdout.write(f"re-encryption queued as job {job.pk}; `taizhang worker` runs it")
            return
        total = rotation.pending(kid).count()
        bar_out: Any = self.stderr._out
        with tqdm(total=total, unit="identity", desc="re-encrypting", file=bar_out) as bar:
            done = rotation.reseal_all(batch=options["batch"], progress=bar.update)
        self.stdout.write(f"re-encrypted {done} identities; all sealed identities are under key {kid}")
        self._status()

    def _status(self) -> None:
        current = sealing.key_id(sealing.keyring()[0])
        usage = rotation.key_usage()
        self.stdout.write(f"current key: {current}")
        for kid in sealing.keyring()[1]:
            self.stdout.write(
                f"  {kid}: {usage.get(kid, 0)} identities{' (current)' if kid == current else ''}"
            )
        unknown = {k: n for k, n in usage.items() if k not in sealing.keyring()[1]}
        for kid, n in unknown.items():
            self.stdout.write(
                self.style.ERROR(f"  {kid}: {n} identities under a key that is NOT in the key file")
            )

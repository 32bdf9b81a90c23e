"""Re-encrypting sealed reporter identities under the current key, in batches, resumable at any point.

Rows already under the current key are skipped, so running again after an interruption finishes the job;
older keys stay in the key file, so a backup taken before the rotation still opens.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import transaction

from taizhang.clues.models import Reporter
from taizhang.core import sealing


def pending(current_kid: str):
    """Sealed identities not yet under the current key."""
    return (
        Reporter.objects.exclude(sealed_identity="")
        .exclude(sealed_identity__startswith=f"v1:{current_kid}:")
        .order_by("pk")
    )


def key_usage() -> Counter[str]:
    """How many sealed identities each key id holds."""
    usage: Counter[str] = Counter()
    for sealed in (
        Reporter.objects.exclude(sealed_identity="").values_list("sealed_identity", flat=True).iterator()
    ):
        usage[sealing.sealed_key_id(sealed)] += 1
    return usage


def reseal_all(batch: int = 200, progress: Callable[[int], object] | None = None) -> int:
    """Re-encrypt every identity not under the current key; each batch commits on its own."""
    current, keys = sealing.keyring()
    current_kid = sealing.key_id(current)
    done = 0
    while True:
        with transaction.atomic():
            # Locked so a reveal or a new registration never sees a half-written row.
            rows = list(pending(current_kid).select_for_update()[:batch])
            for row in rows:
                row.sealed_identity = sealing.reseal(row.sealed_identity, key=current, keys=keys)
                row.save(update_fields=["sealed_identity"])
        if not rows:
            return done
        done += len(rows)
        if progress:
            progress(len(rows))

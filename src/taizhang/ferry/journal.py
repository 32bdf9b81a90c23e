"""Sequence rules shared by both sites: the next number, exactly once, no gap without an explicit override."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.ferry.choices import Direction, Outcome
from taizhang.ferry.models import Cursor, PackageLog
from taizhang.ferry.package import Package, PackageRefused

if TYPE_CHECKING:  # the portal site runs this module without core
    from taizhang.core.actors import SystemActor


class AlreadyApplied(PackageRefused):
    """The package was applied before: nothing changes (a replay, or the same file dropped twice)."""


class GapRefused(PackageRefused):
    """Numbers are missing before this package; it may apply later, once they arrive (or by override)."""


def last_sequence(direction: str, peer: str) -> int:
    done = PackageLog.objects.filter(direction=direction, peer=peer).exclude(outcome=Outcome.REFUSED)
    return int(done.aggregate(n=Max("sequence"))["n"] or 0)


def lock(name: str) -> Cursor:
    """Serialise imports (or exports) of one site: two runs of the worker never apply a package twice."""
    Cursor.objects.get_or_create(name=name)
    return Cursor.objects.select_for_update().get(name=name)


def missing_numbers(package: Package) -> list[int]:
    """The sequence numbers between the last applied and this one (empty when this is the next)."""
    last = last_sequence(Direction.IN, package.sender)
    return list(range(last + 1, package.sequence))


def check_next(package: Package, *, accept_gap: bool) -> list[int]:
    """Refuse a package already applied, or one after a gap unless the override is given; returns the gap."""
    if PackageLog.objects.filter(
        direction=Direction.IN, peer=package.sender, sequence=package.sequence, outcome=Outcome.APPLIED
    ).exists():
        raise AlreadyApplied(
            _("第 %(n)s 号数据包已经导入过，本次未作任何更改。") % {"n": package.sequence},
            digest=package.digest,
            sequence=package.sequence,
        )
    if package.sequence <= last_sequence(Direction.IN, package.sender):
        raise PackageRefused(
            _("第 %(n)s 号数据包已在跳号导入时确认缺失，不再导入。") % {"n": package.sequence},
            digest=package.digest,
            sequence=package.sequence,
        )
    gap = missing_numbers(package)
    if gap and not accept_gap:
        raise GapRefused(
            _(
                "数据包序号不连续：缺少第 %(missing)s 号数据包，请先导入缺少的数据包（确认丢失时可带原因强制导入）。"
            )
            % {"missing": "、".join(str(n) for n in gap)},
            digest=package.digest,
            sequence=package.sequence,
        )
    return gap


def record_applied(package: Package, counts: dict[str, int]) -> PackageLog:
    return PackageLog.objects.create(
        direction=Direction.IN,
        kind=package.manifest["kind"],
        peer=package.sender,
        sequence=package.sequence,
        digest=package.digest,
        outcome=Outcome.APPLIED,
        counts=counts,
        file_name=package.path.name[:200],
        created_at=timezone.now(),
    )


def record_refused(path: Path, refusal: PackageRefused, *, kind: str, peer: str) -> PackageLog | None:
    """A refused package on the ferry page (in its own transaction: the refused work rolled back).

    None when the same file was already refused for the same reason (a gap waited on in the drop folder).
    """
    seen = PackageLog.objects.filter(
        direction=Direction.IN, outcome=Outcome.REFUSED, digest=refusal.digest, reason=refusal.message
    )
    if refusal.digest and seen.exists():
        return None
    with transaction.atomic():
        return PackageLog.objects.create(
            direction=Direction.IN,
            kind=kind,
            peer=peer,
            sequence=refusal.sequence,
            digest=refusal.digest,
            outcome=Outcome.REFUSED,
            reason=refusal.message,
            file_name=path.name[:200],
            created_at=timezone.now(),
        )


def record_written(
    kind: str,
    peer: str,
    sequence: int,
    digest: str,
    counts: dict[str, int],
    path: Path,
    audit_as: SystemActor | None = None,
) -> PackageLog:
    """Log a package written (and audit it as `audit_as`, whose code is the audit prefix, on the ledger side)."""
    log = PackageLog.objects.create(
        direction=Direction.OUT,
        kind=kind,
        peer=peer,
        sequence=sequence,
        digest=digest,
        outcome=Outcome.WRITTEN,
        counts=counts,
        file_name=path.name[:200],
        created_at=timezone.now(),
    )
    if audit_as is not None:  # never on the portal site, which has no audit log (nor the core app)
        from taizhang.core import audit

        audit.record(
            f"{audit_as.code}.package_written",
            actor=audit_as,
            obj=log,
            after={"sequence": sequence, "digest": digest, "peer": peer, "counts": counts},
        )
    return log


def import_package(
    path: Path,
    *,
    check: Callable[[], Package],
    work: Callable[[Package], dict[str, int]],
    kind: str,
    peer: str,
    accept_gap_reason: str = "",
    audit_as: SystemActor | None = None,
) -> PackageLog:
    """The one import path of every package (ferry and exchange): check it completely, then in one transaction
    take the import lock, refuse a replay or a gap (unless overridden with a reason), do the work and log it
    applied — all or nothing. A refusal is logged (and audited as the system actor `audit_as`, whose code is the audit
    prefix, "ferry" or "exchange"; the portal site keeps no audit log) and raised; nothing of the refused work stays.
    """
    if audit_as:  # never on the portal site, which has no audit log (nor the core app)
        from taizhang.core import audit
    try:
        pkg = check()
        with transaction.atomic():
            lock("import")
            gap = check_next(pkg, accept_gap=bool(accept_gap_reason))
            if gap and audit_as:
                audit.record(
                    f"{audit_as.code}.gap_accepted",
                    actor=audit_as,
                    after={
                        "sequence": pkg.sequence,
                        "missing": gap,
                        "reason": accept_gap_reason,
                        "peer": peer,
                    },
                )
            counts = work(pkg)
            log = record_applied(pkg, counts)
            if audit_as:
                audit.record(
                    f"{audit_as.code}.package_applied",
                    actor=audit_as,
                    obj=log,
                    after={"sequence": pkg.sequence, "digest": pkg.digest, "peer": peer, "counts": counts},
                )
            return log
    except AlreadyApplied:
        raise
    except PackageRefused as refusal:
        refused = record_refused(path, refusal, kind=kind, peer=peer)
        if refused is not None and audit_as:
            with transaction.atomic():
                audit.record(
                    f"{audit_as.code}.package_refused",
                    actor=audit_as,
                    obj=refused,
                    after={
                        "sequence": refusal.sequence,
                        "digest": refusal.digest,
                        "reason": refusal.message,
                        "peer": peer,
                    },
                )
        raise

"""一案三查: which checks a case has and which still keep it open (the actions are in `followup.py`)."""

from __future__ import annotations

from taizhang.cases.choices import COUNTED_ORG_TYPES, CheckKind, CheckStatus
from taizhang.cases.models import Case, CaseCheck


def ensure_checks(case: Case) -> list[CaseCheck]:
    """The three checks of a 涉黑涉恶 case (other cases have none); created once, idempotent."""
    if case.org_type not in COUNTED_ORG_TYPES:
        return list(case.checks.all())
    CaseCheck.objects.bulk_create(
        [CaseCheck(case=case, kind=kind) for kind in CheckKind.values], ignore_conflicts=True
    )
    return list(case.checks.all())


def open_checks(case: Case) -> list[CaseCheck]:
    """The checks that keep the case from being concluded."""
    return [c for c in ensure_checks(case) if c.status != CheckStatus.CONCLUDED]

"""The supervision section of the clue detail page: deadline, extensions, urging, listings, talks, notices."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from taizhang.clues import permissions as clue_perm
from taizhang.clues.choices import WITH_UNIT_STATUSES
from taizhang.core import deadlines
from taizhang.supervision.choices import ExtensionStatus
from taizhang.supervision.forms import ExtensionDecisionForm, ExtensionRequestForm, ListingForm, UrgingForm
from taizhang.supervision.models import Extension, ListedSupervision, PointNotice, Talk, UrgingNotice


def sections(request: Any, clue: Any) -> list[dict]:
    """One section (the caller has already checked the clue is visible to request.user)."""
    user = request.user
    ct = ContentType.objects.get_for_model(clue)
    extensions = list(Extension.objects.filter(clue=clue).select_related("requested_by", "decided_by"))
    manage = clue_perm.can_manage(user, clue)
    report = clue_perm.can_report(user, clue)
    cap = deadlines.policy_for(clue.office_id).extension_cap_days
    # What used_days(clue) counts, from the extensions just read (one query fewer).
    used = sum(e.granted_days or 0 for e in extensions if e.status == ExtensionStatus.APPROVED)
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    now = timezone.now()
    return [
        {
            "template": "supervision/_clue_section.html",
            "title": "督办",
            "clue": clue,
            "now": now,
            "overdue_days": (now - clue.deadline_at).days
            if clue.deadline_at and clue.deadline_at < now
            else 0,
            "extensions": extensions,
            "cap": cap,
            "used": used,
            "left": max(0, cap - used),
            "pending": pending,
            "urging": UrgingNotice.objects.filter(target_type=ct, target_id=clue.pk)[:20],
            "listings": ListedSupervision.objects.filter(target_type=ct, target_id=clue.pk),
            "talks": Talk.objects.visible_to(user).filter(clue=clue)[:20],
            "notices": PointNotice.objects.visible_to(user).filter(clue=clue)[:20],
            "request_form": ExtensionRequestForm()
            if report and clue.status in WITH_UNIT_STATUSES and not pending and used < cap
            else None,
            "decision_form": ExtensionDecisionForm() if manage and pending else None,
            "urging_form": UrgingForm() if manage and clue.responsible_unit_id and clue.is_open else None,
            "listing_form": ListingForm() if manage and clue.is_open else None,
        }
    ]

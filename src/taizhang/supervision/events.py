"""Notifications for clue workflow events (subscribed to core.signals.workflow_event in AppConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.supervision.notify import notify
from taizhang.supervision.recipients import Directory

log = logging.getLogger("taizhang.supervision")


def clue_url(clue_id: int) -> str:
    try:
        return reverse("clues:detail", args=[clue_id])
    except Exception:  # the ledger's detail page may not exist yet
        return f"/clues/{clue_id}/"


# The actions _targets answers for; every other event notifies nobody.
NOTIFYING_ACTIONS = frozenset(
    {
        "clue.assign",
        "clue.reassign",
        "clue.finding_recorded",
        "clue.finding_signed",
        "clue.review_return",
        "clue.transfer",
        "clue.transfer_answered",
    }
)


def _targets(action: str, clue: Any, data: dict[str, Any], d: Directory) -> tuple[list[int], str] | None:
    unit_id = data.get("unit_id") or clue.responsible_unit_id
    person_id = data.get("person_id") or clue.responsible_person_id
    label = f"{clue.number}"
    if action in ("clue.assign", "clue.reassign"):
        ids = d.liaisons(unit_id) + ([person_id] if person_id else [])
        return ids, _("线索 %(n)s 已交办给你单位，请在时限内首次回告。") % {"n": label}
    if action == "clue.finding_recorded" and clue.status == "awaiting_signoff":
        return d.leaders(unit_id), _("线索 %(n)s 的核查结论待你签字背书。") % {"n": label}
    if action == "clue.finding_signed":
        return d.office(clue.office_id), _("线索 %(n)s 的核查结论已签字，待审核。") % {"n": label}
    if action == "clue.review_return":
        ids = d.liaisons(unit_id) + ([person_id] if person_id else [])
        return ids, _("线索 %(n)s 的核查结论被退查，请在时限内重新办理。") % {"n": label}
    if action == "clue.transfer":
        transfer = clue.transfers.order_by("-id").first()
        if transfer is None:
            return None
        return d.liaisons(transfer.receiver_unit_id), _("线索 %(n)s 已移送你单位，请在时限内登记答复。") % {
            "n": label
        }
    if action == "clue.transfer_answered":
        return d.office(clue.office_id), _("线索 %(n)s 的移送已得到接收单位答复。") % {"n": label}
    return None


def on_workflow_event(
    sender: Any, *, model: str, object_id: int, action: str, actor_id: int | None, data: dict, **_: Any
) -> None:
    """Tell the people who must act next; never let a notification failure break the caller."""
    if model != "clues.clue" or action not in NOTIFYING_ACTIONS:
        return  # no query for the events nobody is told about (a registration, above all)
    try:
        from taizhang.clues.models import Clue

        clue = Clue.objects.filter(pk=object_id).first()
        if clue is None:
            return
        found = _targets(action, clue, data or {}, Directory())
        if not found:
            return
        ids, title = found
        d = Directory()
        people = [u for u in d.people(list(dict.fromkeys(ids))) if u.pk != actor_id]
        notify(
            people,
            title=title,
            body=clue.summary,
            url=clue_url(clue.pk),
            # The clue's version changes with every action, so the key is unique per event.
            key=f"clue:{clue.pk}:v{clue.version}:{action}",
        )
    except Exception:
        log.exception("notification for %s on clue %s failed", action, object_id)

"""Notifications for clue workflow events (subscribed to core.signals.workflow_event in AppConfig.ready)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from taizhang.supervision.audience import body_of, cancel_pending, redact_about
from taizhang.supervision.notify import notify
from taizhang.supervision.recipients import Directory

log = logging.getLogger("taizhang.supervision")


_MARKER = 987654321
_clue_url_templates: dict[str, str] = {}


def clue_url(clue_id: int) -> str:
    """The clue's detail page. Reversed once per script prefix: a to-do list links hundreds of clues."""
    prefix = get_script_prefix()
    template = _clue_url_templates.get(prefix)
    if template is None:
        template = _clue_url_templates[prefix] = reverse("clues:detail", args=[_MARKER])
    return template.replace(str(_MARKER), str(clue_id))


Targets = tuple[list[int], str] | None


def _unit_people(clue: Any, data: dict[str, Any], d: Directory) -> list[int]:
    """The liaisons of the unit the clue is with, and its responsible person."""
    unit_id = data.get("unit_id") or clue.responsible_unit_id
    person_id = data.get("person_id") or clue.responsible_person_id
    return d.liaisons(unit_id) + ([person_id] if person_id else [])


def _assigned(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    return _unit_people(clue, data, d), _("线索 %(n)s 已交办给你单位，请在时限内首次回告。") % {
        "n": clue.number
    }


def _finding_recorded(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    if clue.status != "awaiting_signoff":
        return None
    unit_id = data.get("unit_id") or clue.responsible_unit_id
    return d.leaders(unit_id), _("线索 %(n)s 的核查结论待你签字背书。") % {"n": clue.number}


def _finding_signed(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    return d.office(clue.office_id), _("线索 %(n)s 的核查结论已签字，待审核。") % {"n": clue.number}


def _review_returned(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    return _unit_people(clue, data, d), _("线索 %(n)s 的核查结论被退查，请在时限内重新办理。") % {
        "n": clue.number
    }


def _transferred(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    transfer = clue.transfers.order_by("-id").first()
    if transfer is None:
        return None
    return d.liaisons(transfer.receiver_unit_id), _("线索 %(n)s 已移送你单位，请在时限内登记答复。") % {
        "n": clue.number
    }


def _transfer_answered(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    return d.office(clue.office_id), _("线索 %(n)s 的移送已得到接收单位答复。") % {"n": clue.number}


def _withdrawn(clue: Any, data: dict[str, Any], d: Directory) -> Targets:
    return d.office(clue.office_id), _("线索 %(n)s 的责任单位须回避，已撤回交办，请重新交办。") % {
        "n": clue.number
    }


# Who must act next after each action, and what they are told; every other event notifies nobody.
TARGETS: dict[str, Callable[[Any, dict[str, Any], Directory], Targets]] = {
    "clue.assign": _assigned,
    "clue.reassign": _assigned,
    "clue.finding_recorded": _finding_recorded,
    "clue.finding_signed": _finding_signed,
    "clue.review_return": _review_returned,
    "clue.transfer": _transferred,
    "clue.transfer_answered": _transfer_answered,
    "clue.withdraw_recused": _withdrawn,
}


# Events after which fewer people may see a clue (it became 保护伞, a unit was recused): what was already sent
# to people who lost it is blanked.
NARROWING = frozenset({"clue.edit", "clue.triage", "clue.recuse", "clue.withdraw", "clue.withdraw_recused"})


def _redact(object_id: int, action: str) -> None:
    try:
        from taizhang.clues.models import Clue

        redact_about(Clue, object_id)
        if action == "clue.withdraw_recused":
            cancel_pending(Clue, object_id)
    except Exception:
        log.exception("redacting notifications after %s on clue %s failed", action, object_id)


def on_workflow_event(
    sender: Any, *, model: str, object_id: int, action: str, actor_id: int | None, data: dict, **_: Any
) -> None:
    """Tell the people who must act next; never let a notification failure break the caller."""
    if model == "clues.clue" and action in NARROWING:
        _redact(object_id, action)
    if model != "clues.clue" or action not in TARGETS:
        return  # no query for the events nobody is told about (a registration, above all)
    try:
        from taizhang.clues.models import Clue

        clue = Clue.objects.filter(pk=object_id).first()
        if clue is None:
            return
        d = Directory()
        found = TARGETS[action](clue, data or {}, d)
        if not found:
            return
        ids, title = found
        people = [u for u in d.people(list(dict.fromkeys(ids))) if u.pk != actor_id]
        notify(
            people,
            title=title,
            body=body_of(clue),
            url=clue_url(clue.pk),
            about=clue,
            # The clue's version changes with every action, so the key is unique per event.
            key=f"clue:{clue.pk}:v{clue.version}:{action}",
        )
    except Exception:
        log.exception("notification for %s on clue %s failed", action, object_id)

"""Who is told what after a clue action: the `notices` hook (core/notifying.py) that delivers the notices clue
actions send with `notify_on_commit(ClueNotice…)`, and the one table of their targets. Only people the
visibility rule lets see the clue receive one (`notify`), and what they read is checked again when shown
(audience.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from taizhang.clues.choices import ClueNotice
from taizhang.clues.models import Clue
from taizhang.core.notifying import Notice
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


def _unit_people(clue: Any, data: Mapping[str, Any], d: Directory) -> list[int]:
    """The liaisons of the unit the clue is with, and its responsible person."""
    unit_id = data.get("unit_id") or clue.responsible_unit_id
    person_id = data.get("person_id") or clue.responsible_person_id
    return d.liaisons(unit_id) + ([person_id] if person_id else [])


def _assigned(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    return _unit_people(clue, data, d), _("线索 %(n)s 已交办给你单位，请在时限内首次回告。") % {
        "n": clue.number
    }


def _finding_recorded(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    if clue.status != "awaiting_signoff":
        return None
    unit_id = data.get("unit_id") or clue.responsible_unit_id
    return d.leaders(unit_id), _("线索 %(n)s 的核查结论待你签字背书。") % {"n": clue.number}


def _finding_signed(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    return d.office(clue.office_id), _("线索 %(n)s 的核查结论已签字，待审核。") % {"n": clue.number}


def _review_returned(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    return _unit_people(clue, data, d), _("线索 %(n)s 的核查结论被退查，请在时限内重新办理。") % {
        "n": clue.number
    }


def _transferred(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    transfer = clue.transfers.order_by("-id").first()
    if transfer is None:
        return None
    return d.liaisons(transfer.receiver_unit_id), _("线索 %(n)s 已移送你单位，请在时限内登记答复。") % {
        "n": clue.number
    }


def _transfer_answered(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    return d.office(clue.office_id), _("线索 %(n)s 的移送已得到接收单位答复。") % {"n": clue.number}


def _withdrawn(clue: Any, data: Mapping[str, Any], d: Directory) -> Targets:
    return d.office(clue.office_id), _("线索 %(n)s 的责任单位须回避，已撤回交办，请重新交办。") % {
        "n": clue.number
    }


# Who must act next after each action, and what they are told; every other notice tells nobody.
TARGETS: dict[str, Callable[[Any, Mapping[str, Any], Directory], Targets]] = {
    ClueNotice.ASSIGNED: _assigned,
    ClueNotice.REASSIGNED: _assigned,
    ClueNotice.FINDING_RECORDED: _finding_recorded,
    ClueNotice.FINDING_SIGNED: _finding_signed,
    ClueNotice.REVIEW_RETURNED: _review_returned,
    ClueNotice.TRANSFERRED: _transferred,
    ClueNotice.TRANSFER_ANSWERED: _transfer_answered,
    ClueNotice.WITHDRAWN_RECUSED: _withdrawn,
}


# Notices after which fewer people may see a clue (it became 保护伞, a unit was recused): what was already
# sent to people who lost it is blanked.
NARROWING = frozenset(
    {
        ClueNotice.EDITED,
        ClueNotice.TRIAGED,
        ClueNotice.RECUSED,
        ClueNotice.WITHDRAWN,
        ClueNotice.WITHDRAWN_RECUSED,
    }
)


def _redact(object_id: int, action: str) -> None:
    try:
        redact_about(Clue, object_id)
        if action == "clue.withdraw_recused":
            cancel_pending(Clue, object_id)
    except Exception:
        log.exception("redacting notifications after %s on clue %s failed", action, object_id)


def deliver(notice: Notice) -> None:
    """Tell the people who must act next; never let a notification failure break the caller."""
    if notice.model != "clues.clue":
        return
    if notice.kind in NARROWING:
        _redact(notice.object_id, notice.kind)
    if notice.kind not in TARGETS:
        return  # no query for the notices nobody is told about
    try:
        clue = Clue.objects.filter(pk=notice.object_id).first()
        if clue is None:
            return
        d = Directory()
        found = TARGETS[notice.kind](clue, notice.data, d)
        if not found:
            return
        ids, title = found
        people = [u for u in d.people(list(dict.fromkeys(ids))) if u.pk != notice.actor_id]
        notify(
            people,
            title=title,
            body=body_of(clue),
            url=clue_url(clue.pk),
            about=clue,
            # The clue's version changes with every action, so the key is unique per event.
            key=f"clue:{clue.pk}:v{clue.version}:{notice.kind}",
        )
    except Exception:
        log.exception("notification for %s on clue %s failed", notice.kind, notice.object_id)

"""Who may be told about a record, and what a message about it may say: the visibility rule on every message.

At send time `audience()` keeps the recipients the rule lets see the record (org.visibility.readers: one query
per distinct scope, not per person). At display time (inbox, API, email, digest) `redact_unseen()` blanks the
messages whose record the reader can no longer see. When a record's audience shrinks (a clue becomes 保护伞, a
unit is recused) `redact_about()` blanks the messages already sent to people who lost it. A message body never
carries a 保护伞 clue's text (`body_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.translation import gettext as _

from taizhang.org.visibility import readers
from taizhang.supervision.choices import EmailState
from taizhang.supervision.models import Notification


def redacted_title() -> str:
    """What a message about a record the reader may not see says instead: nothing of the record."""
    return _("（该消息涉及的事项已不在您的查看范围内）")


def content_type_id(model: type[Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


def audience(model: type[Model], pk: int, user_ids: Iterable[int]) -> list[int]:
    """The people among `user_ids` the rule lets see record `pk` (order kept)."""
    ids = list(dict.fromkeys(user_ids))
    allowed = readers(model, {pk: ids}).get(pk, set())
    return [uid for uid in ids if uid in allowed]


def audiences(model: type[Model], wanted: Mapping[int, Iterable[int]]) -> dict[int, set[int]]:
    """For many records at once (a worker batch): record id -> the candidates who may see it."""
    return readers(model, wanted)


def body_of(record: Any) -> str:
    """The text a message about `record` may carry: a 保护伞 clue's text never travels in a message."""
    if getattr(record, "is_umbrella", False):
        return ""
    return str(getattr(record, "summary", "") or "")


def label_of(record: Any) -> str:
    """A record's label for a message title: its number, with its summary unless it is a 保护伞 clue."""
    number = str(getattr(record, "number", "") or "")
    return number if getattr(record, "is_umbrella", False) else f"{number} {body_of(record)}".strip()


def _visible_ids(user: Any, type_id: int, ids: set[int]) -> set[int]:
    model = ContentType.objects.get_for_id(type_id).model_class()
    qs: Any = model._default_manager.all() if model is not None else None
    if qs is None or not hasattr(qs, "visibility_q"):
        return set()
    return set(qs.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def redact_unseen(user: Any, notes: Iterable[Notification]) -> list[Notification]:
    """The notifications as `user` may read them now: one about a record they can no longer see keeps its
    time and read state but shows nothing of the record (no number, no summary, no link). One query per kind of
    record."""
    notes = list(notes)
    wanted: dict[int, set[int]] = {}
    for n in notes:
        if n.target_type_id and n.target_id:
            wanted.setdefault(n.target_type_id, set()).add(n.target_id)
    visible = {type_id: _visible_ids(user, type_id, ids) for type_id, ids in wanted.items()}
    for n in notes:
        if n.target_type_id and n.target_id and n.target_id not in visible[n.target_type_id]:
            blank(n)
    return notes


def blank(n: Notification) -> None:
    n.title, n.body, n.url = redacted_title(), "", ""


def redact_about(model: type[Model], pk: int) -> int:
    """Blank every message already sent about record `pk` to someone the rule no longer lets see it, and stop
    its pending email; returns how many were blanked. Called when a record's audience shrinks."""
    type_id = content_type_id(model)
    sent = Notification.objects.filter(target_type_id=type_id, target_id=pk)
    users = set(sent.values_list("user_id", flat=True))
    if not users:
        return 0
    allowed = audience(model, pk, users)
    lost = users - set(allowed)
    if not lost:
        return 0
    title = redacted_title()
    sent.filter(user_id__in=lost, email_state__in=[EmailState.PENDING, EmailState.DIGEST]).update(
        email_state=EmailState.NONE, email_lease_until=None
    )
    return (
        sent.filter(user_id__in=lost)
        .exclude(title=title, body="", url="")
        .update(title=title, body="", url="")
    )


def cancel_pending(model: type[Model], pk: int) -> None:
    """The unit that held the record stepped back: its pending extension requests are withdrawn and the
    messages queued about the record and not yet delivered are dropped (the next worker pass plans afresh
    for whoever holds it now)."""
    from django.db.models import Q
    from django.utils import timezone

    from taizhang.supervision.choices import DispatchStatus
    from taizhang.supervision.models import Dispatch

    type_id = content_type_id(model)
    prefix = f"{model._meta.model_name}:{pk}:"
    Dispatch.objects.filter(
        Q(key__startswith=prefix) | Q(payload__target=[type_id, pk]),
        status__in=[DispatchStatus.PENDING, DispatchStatus.CLAIMED],
    ).update(status=DispatchStatus.DONE, done_at=timezone.now(), lease_until=None)
    if model._meta.label_lower == "clues.clue":
        from taizhang.supervision.actions.extensions import do_withdraw_extensions

        do_withdraw_extensions(pk, reason=_("责任单位须回避，已撤回交办。"))

"""我的待办, the overdue board and its drill-down, and the notification inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.core.params import MAX_ID, as_int
from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.supervision import boards
from taizhang.supervision.actions import do_mark_notifications_read
from taizhang.supervision.audience import redact_unseen
from taizhang.supervision.models import Notification
from taizhang.supervision.worklist import todos_for


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """我的待办: what the person must do next, soonest first."""
    items = todos_for(request.user)
    return render(
        request,
        "supervision/todo.html",
        {"items": items, "overdue": sum(1 for t in items if t.overdue)},
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The overdue board: overdue clues and tasks by unit and age band."""
    return render(request, "supervision/board.html", boards.board(request.user))


def _int(value: str | None) -> int | None:
    return as_int(value, 0, MAX_ID) if value else None


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """The records behind one cell of the overdue board."""
    kind = "task" if request.GET.get("kind") == "task" else "clue"
    unit, band = _int(request.GET.get("unit")), _int(request.GET.get("band"))
    now = timezone.now()
    qs = boards.drill_down(request.user, now, kind=kind, unit=unit, band=band)
    qs = qs.select_related("responsible_unit") if kind == "clue" else qs.select_related("owner_unit")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    if kind == "clue":
        # Each row names the unit that owes its late step (the board's rule), not the responsible unit.
        names = dict(Unit.objects.filter(pk__in={r.owner_id for r in page}).values_list("pk", "name"))
        for row in page:
            row.owner_name = names.get(row.owner_id, "")
    band_label = boards.BANDS[band][2] if band is not None and 0 <= band < len(boards.BANDS) else ""
    return render(
        request,
        "supervision/overdue.html",
        {
            "page": page,
            "kind": kind,
            "unit": unit,
            "band": band,
            "band_label": band_label,
            "now": now,
            "query": "&".join(
                f"{k}={v}" for k, v in (("kind", kind), ("unit", unit), ("band", band)) if v is not None
            ),
        },
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notifications, unread first."""
    qs = Notification.objects.visible_to(request.user)
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs.order_by("read_at", "-created_at", "-id"), 50).get_page(request.GET.get("page"))
    # Asked of the rule again now: a message about a record the person can no longer see shows nothing of it.
    page.object_list = redact_unseen(request.user, page.object_list)
    return render(
        request, "supervision/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (and follow its link) or all of them read."""
    pk = _int(request.POST.get("id"))
    do_mark_notifications_read(actor=acting(request), ids=None if pk is None else [pk])
    if pk is not None:
        notes = redact_unseen(request.user, Notification.objects.visible_to(request.user).filter(pk=pk))
        target = notes[0].url if notes else ""
        if target and target.startswith("/") and not target.startswith("//"):
            return redirect(target)
    from django.contrib import messages

    messages.success(request, _("已标记为已读。"))
    return redirect("supervision:inbox")

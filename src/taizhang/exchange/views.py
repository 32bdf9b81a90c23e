"""The exchange's state for the office: each partner's last package each way, gaps, refusals and conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from taizhang.clues.models import Clue
from taizhang.core.access import page_rule
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.exchange import registry
from taizhang.exchange.down import intake_office
from taizhang.exchange.models import Conflict, GapAcceptance, Partner
from taizhang.ferry import package
from taizhang.ferry.choices import Direction, Outcome
from taizhang.ferry.models import PackageLog
from taizhang.org.actors import acting
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of

KINDS = (package.EXCHANGE_DOWN, package.EXCHANGE_UP)


def can_see_exchange(user: object) -> bool:
    """Office staff and leaders (the page names partners, package numbers and counts, never a clue's content)."""
    scope = scope_of(user)
    return bool(scope and scope.office_path and scope.has(RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER))


def can_manage(user: object, pk: int | None = None) -> bool:
    """The registry and gaps (accept a gap, revoke a key, leave): leaders of the office that takes part in the
    exchange (down.intake_office); `pk`, when given, must be a partner still in the exchange."""
    scope = scope_of(user)
    if not (scope and scope.office_path and scope.has(RoleCode.OFFICE_LEADER)):
        return False
    try:
        office = intake_office()
    except ActionError:
        return False
    if scope.office_path != office.path:
        return False
    return pk is None or Partner.objects.filter(pk=pk, left_at=None).exists()


def can_resolve(user: object, pk: int) -> bool:
    """Office staff of an office that sees the clue in conflict."""
    if not can_see_exchange(user):
        return False
    visible = Clue.objects.visible_to(user).values("id")
    return Conflict.objects.filter(pk=pk, resolved_at=None, clue_id__in=visible).exists()


def _partner_row(partner: Partner) -> dict[str, Any]:
    logs = PackageLog.objects.filter(peer=partner.instance_id, kind__in=KINDS)
    done = logs.exclude(outcome=Outcome.REFUSED)
    last_out = done.filter(direction=Direction.OUT).first()
    last_in = done.filter(direction=Direction.IN).first()
    applied = int(done.filter(direction=Direction.IN).aggregate(n=Max("sequence"))["n"] or 0)
    waiting = logs.filter(direction=Direction.IN, outcome=Outcome.REFUSED, sequence__gt=applied)
    first_waiting = waiting.order_by("sequence").values_list("sequence", flat=True).first()
    written = int(done.filter(direction=Direction.OUT).aggregate(n=Max("sequence"))["n"] or 0)
    return {
        "partner": partner,
        "last_out": last_out,
        "last_in": last_in,
        # Numbers missing here: between the last applied and the first one waiting behind the gap.
        "missing_here": list(range(applied + 1, first_waiting)) if first_waiting else [],
        # Numbers the partner has not confirmed (it confirms in each package it sends us).
        "unconfirmed": list(range(partner.acknowledged + 1, written + 1))[:50],
        "keys": list(partner.keys.all()),
        "gap_accepted": GapAcceptance.objects.filter(partner=partner, used_at=None).first(),
    }


@login_required
@require_GET
@page_rule(can_see_exchange)
def state(request: HttpRequest) -> HttpResponse:
    partners = Partner.objects.select_related("unit").prefetch_related("keys").order_by("unit__path")
    visible = Clue.objects.visible_to(request.user).values("id")
    return render(
        request,
        "exchange/state.html",
        {
            "rows": [_partner_row(p) for p in partners],
            "can_manage": can_manage(request.user),
            "refused": PackageLog.objects.filter(outcome=Outcome.REFUSED, kind__in=(*KINDS, ""))[:20],
            "conflicts": Conflict.objects.filter(resolved_at=None, clue_id__in=visible)
            .select_related("clue", "partner__unit")
            .order_by("-at")[:50],
        },
    )


@login_required
@require_POST
@page_rule(can_resolve)
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        registry.do_resolve_conflict(pk, actor=acting(request), note=request.POST.get("note", ""))
    except ActionError as exc:
        refuse(request, exc.message)
    else:
        messages.success(request, _("已记录处理说明。"))
    return redirect("exchange:state")


def _partner(pk: int) -> Partner:
    return get_object_or_404(Partner.objects.select_related("unit"), pk=pk, left_at=None)


def _done(request: HttpRequest, act: Callable[[], object], success: str) -> HttpResponse:
    try:
        act()
    except ActionError as exc:
        refuse(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("exchange:state")


@login_required
@require_POST
@page_rule(can_manage)
def accept_gap(request: HttpRequest, pk: int) -> HttpResponse:
    """确认缺号: the worker then applies the package waiting behind the gap (audited with the reason)."""
    partner = _partner(pk)
    missing = _partner_row(partner)["missing_here"]
    return _done(
        request,
        lambda: registry.do_accept_gap(
            actor=acting(request), partner=partner, missing=missing, reason=request.POST.get("reason", "")
        ),
        _("已确认缺号，下一次自动导入时将导入其后的数据包。"),
    )


@login_required
@require_POST
@page_rule(can_manage)
def revoke_key(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(pk)
    return _done(
        request,
        lambda: registry.do_revoke_key(
            actor=acting(request),
            partner=partner,
            verify_key=request.POST.get("key", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("已吊销该签名公钥，此后用它签名的数据包将被拒收。"),
    )


@login_required
@require_POST
@page_rule(can_manage)
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(pk)
    return _done(
        request,
        lambda: registry.do_leave(
            actor=acting(request), partner=partner, reason=request.POST.get("reason", "")
        ),
        _("该实例已退出联动。"),
    )

"""Pages of 一案三查 and the seized-assets ledger: the case page's section, the boards, the lists, the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.cases import filters, followup, followup_exports
from taizhang.cases import permissions as perm
from taizhang.cases.checks import ensure_checks
from taizhang.cases.choices import (
    AssetKind,
    AssetMeasure,
    AssetStatus,
    CheckKind,
    CheckStatus,
    Disposal,
    Measure,
)
from taizhang.cases.models import Accountability, AssetItem, Case
from taizhang.cases.views import act, get_case
from taizhang.core import audit
from taizhang.core.drafts import refuse
from taizhang.core.params import as_id
from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.pure.dates import parse_date_text


def section(request: HttpRequest, case: Case, handling_ids: set[int]) -> dict[str, Any]:
    """What the case page shows of the three checks and the assets, to this person."""
    umbrella = perm.sees_umbrella_part(request.user, case)
    checks = []
    for check in ensure_checks(case):
        private = check.kind != CheckKind.CRIME and not umbrella
        checks.append(
            {
                "row": check,
                # The 保护伞 and responsibility findings reach only those who see 保护伞 clues.
                "finding": "" if private else check.finding,
                "private": private,
                "may_conclude": check.status == CheckStatus.OPEN
                and (perm.can_manage(request.user, case) if check.kind == CheckKind.CRIME else umbrella),
                "may_reopen": check.status == CheckStatus.CONCLUDED
                and (perm.can_manage(request.user, case) if check.kind == CheckKind.CRIME else umbrella),
                "accountabilities": list(check.accountabilities.all()) if umbrella else [],
                "may_account": umbrella
                and check.kind == CheckKind.RESPONSIBILITY
                and check.status == CheckStatus.OPEN,
            }
        )
    return {
        "checks": checks,
        "measures": Measure.choices,
        "assets": list(case.assets.select_related("custodian").order_by("id")),
        "may_assets": perm.can_record_stage(request.user, case, handling_ids),
        "asset_kinds": AssetKind.choices,
        "asset_measures": AssetMeasure.choices,
        "disposals": Disposal.choices,
        "custodians": Unit.objects.filter(is_active=True, kind__in=perm.JUDICIAL_KINDS).order_by("path"),
        "effective_on": followup.effective_on(case),
        "today": timezone.localdate(),
    }


def _get(request: HttpRequest, pk: int) -> Case:
    return get_case(request, pk)


def _back(case: Case, anchor: str) -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case.pk]) + anchor)


def _date(value: str | None) -> dt.date | None:
    return parse_date_text(value) if value else None


def _act(request: HttpRequest, pk: int, call: Any, done: str, anchor: str = "#followup") -> HttpResponse:
    return act(request, pk, call, done, anchor)


@login_required
@require_POST
def check_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda case: followup.do_conclude_check(
            case.pk,
            actor=acting(request),
            kind=p.get("kind", ""),
            finding=p.get("finding", ""),
            failures_found=p.get("failures_found") == "1",
        ),
        _("核查结论已登记。"),
    )


@login_required
@require_POST
def check_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda case: followup.do_reopen_check(
            case.pk, actor=acting(request), kind=p.get("kind", ""), reason=p.get("reason", "")
        ),
        _("已重新核查。"),
    )


@login_required
@require_POST
def accountability_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    day = _date(p.get("decided_on"))
    if day is None:
        refuse(request, _("请填写决定日期（如 2026-12-04 或 2026年12月4日）。"))
        return _back(_get(request, pk), "#followup")
    return _act(
        request,
        pk,
        lambda case: followup.do_record_accountability(
            case.pk,
            actor=acting(request),
            person_name=p.get("person_name", ""),
            post=p.get("post", ""),
            unit_name=p.get("unit_name", ""),
            measure=p.get("measure", ""),
            decided_on=day,
            note=p.get("note", ""),
        ),
        _("问责记录已录入。"),
    )


@login_required
@require_POST
def asset_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    day = _date(p.get("measured_on"))
    custodian = Unit.objects.filter(pk=as_id(p.get("custodian")) or 0).first()
    if day is None or custodian is None:
        refuse(request, _("请填写采取措施日期并选择保管单位。"))
        return _back(_get(request, pk), "#assets")
    return _act(
        request,
        pk,
        lambda case: followup.do_add_asset(
            case.pk,
            actor=acting(request),
            kind=p.get("kind", ""),
            description=p.get("description", ""),
            value=p.get("value", ""),
            measure=p.get("measure", ""),
            custodian=custodian,
            measured_on=day,
        ),
        _("涉案财产已登记。"),
        "#assets",
    )


def _item_id(request: HttpRequest) -> int:
    return as_id(request.POST.get("item")) or 0


@login_required
@require_POST
def asset_plan(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda case: followup.do_plan_disposal(
            case.pk,
            actor=acting(request),
            item_id=_item_id(request),
            disposal=p.get("disposal", ""),
            responsible=p.get("responsible", ""),
            dispose_by=_date(p.get("dispose_by")),
        ),
        _("处置方案已登记。"),
        "#assets",
    )


@login_required
@require_POST
def asset_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    day = _date(p.get("disposed_on"))
    if day is None:
        refuse(request, _("请填写处置日期。"))
        return _back(_get(request, pk), "#assets")
    return _act(
        request,
        pk,
        lambda case: followup.do_record_disposal(
            case.pk,
            actor=acting(request),
            item_id=_item_id(request),
            amount=p.get("amount", ""),
            disposed_on=day,
            complete=p.get("complete") == "1",
            note=p.get("note", ""),
        ),
        _("处置记录已登记。"),
        "#assets",
    )


@login_required
def checks_board(request: HttpRequest) -> HttpResponse:
    """一案三查 board: open checks by kind over the visible cases; each number opens the case list."""
    visible = Case.objects.visible_to(request.user)
    counts = visible.aggregate(
        **{
            kind: Count("pk", filter=Q(checks__kind=kind, checks__status=CheckStatus.OPEN))
            for kind in CheckKind.values
        }
    )
    rows = [
        {"kind": label, "open": counts[kind] or 0, "url": filters.list_url(check_open=kind)}
        for kind, label in CheckKind.choices
    ]
    concluded_blocked = visible.filter(checks__status=CheckStatus.OPEN).distinct().count()
    return render(
        request,
        "cases/checks_board.html",
        {"rows": rows, "blocked": concluded_blocked, "blocked_url": filters.list_url(check_open="any")},
    )


@login_required
def accountability_list(request: HttpRequest) -> HttpResponse:
    """Accountability records the person may see (the discipline indicators' drill-down)."""
    qs = filters.accountabilities(Accountability.objects.visible_to(request.user), request.GET)
    page = Paginator(qs.select_related("check_row__case").order_by("-decided_on", "-id"), 50).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        audit.record("case.accountability_read", actor=request.user, after={"query": request.GET.urlencode()})
    return render(request, "cases/accountability_list.html", {"page": page, "measures": Measure.choices})


def _assets(request: HttpRequest) -> Any:
    qs = AssetItem.objects.filter(case__in=Case.objects.visible_to(request.user).values("pk"))
    status = request.GET.get("status", "")
    if status in AssetStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(status=AssetStatus.PLANNED, dispose_by__lt=timezone.localdate())
    return qs


@login_required
def assets_list(request: HttpRequest) -> HttpResponse:
    """The seized-assets ledger over the visible cases, with overdue disposals."""
    qs = _assets(request).select_related("case", "custodian").order_by("case_id", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    overdue = _assets(request).filter(status=AssetStatus.PLANNED, dispose_by__lt=timezone.localdate()).count()
    return render(
        request,
        "cases/assets_list.html",
        {"page": page, "statuses": AssetStatus.choices, "overdue": overdue, "query": request.GET.urlencode()},
    )


@login_required
def assets_export(request: HttpRequest) -> FileResponse:
    audit.record("case.assets_export", actor=request.user, after={"query": request.GET.urlencode()})
    return followup_exports.assets_response(_assets(request))

"""Case pages: list (with the indicators' drill-down filters), detail and timeline, forms, board, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from taizhang.cases import actions, exports, filters, followup_views
from taizhang.cases import permissions as perm
from taizhang.cases.choices import (
    JUDGED_STAGES,
    STAGE_TRANSITIONS,
    CaseStage,
    CaseStatus,
    CheckKind,
    OrgType,
    Screening,
)
from taizhang.cases.forms import CaseForm, ScreeningForm, StageForm
from taizhang.cases.models import Case
from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.access import page_rule
from taizhang.core.audit import actor_name
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry
from taizhang.org.actors import acting
from taizhang.org.models import Sector

FIGURE_FIELDS = [
    "persons_caught",
    "fugitives_caught",
    "fugitives_at_large",
    "assets_seized",
    "assets_frozen",
    "assets_confiscated",
]


ACTION_LABELS = {
    "case.register": _l("登记案件"),
    "case.edit": _l("修改案件"),
    "case.stage": _l("登记诉讼阶段"),
    "case.judgment": _l("登记宣判日期"),
    "case.screen": _l("逐案过筛"),
    "case.conclude": _l("办结"),
    "case.reopen": _l("重新启动"),
    "case.check_unit": _l("指定核查责任单位"),
    "case.check_conclude": _l("一案三查：查结"),
    "case.check_reopen": _l("一案三查：重新核查"),
    "case.accountability": _l("录入问责记录"),
    "case.asset_add": _l("登记涉案财产"),
    "case.asset_plan": _l("制定财产处置方案"),
    "case.asset_dispose": _l("登记财产处置"),
    "case.suspect_add": _l("登记犯罪嫌疑人"),
    "case.suspect_edit": _l("修改犯罪嫌疑人信息"),
}


def may_read_screening(user: Any, case: Case) -> bool:
    """The 保护伞 screening note is for the people who may see the 保护伞 clue it raised (the rule decides), or,
    before one is raised, for whoever may screen the case."""
    if case.umbrella_clue_id:
        return Clue.objects.visible_to(user).filter(pk=case.umbrella_clue_id).exists()
    return perm.can_screen(user, case)


def timeline_of(case: Case, user: Any = None, *, screening_ok: bool = True) -> list[dict[str, Any]]:
    """The case's audit entries, labelled for people (what staff see is what the auditor sees); a screening
    entry's note only for the people who may read the note."""
    rows = []
    shown = [*ACTION_LABELS]
    entries = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action__in=shown)
    for entry in entries.order_by("id"):
        after = entry.after or {}
        reason = entry.reason
        if entry.action == "case.screen" and not screening_ok:
            reason = ""
        detail = ""
        if entry.action == "case.stage":
            detail = f"{CaseStage(after.get('stage', 'registered')).label} {after.get('stage_on') or ''}"
        elif entry.action == "case.screen":
            detail = str(Screening(after.get("screening", "unscreened")).label)
        elif (
            entry.action in ("case.check_conclude", "case.check_reopen")
            and after.get("kind") in CheckKind.values
        ):
            detail = str(CheckKind(after["kind"]).label)
        rows.append(
            {
                "at": entry.at,
                "actor": actor_name(entry),
                "label": ACTION_LABELS.get(entry.action, _l("其他操作")),
                "detail": detail,
                "reason": reason,
            }
        )
    return rows


def listed(request: HttpRequest) -> Any:
    """The visible cases narrowed by the request's filters (the list, the export and the API use this)."""
    qs = filters.apply(Case.objects.visible_to(request.user), request.GET)
    return filters.with_period_persons(qs, request.GET)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    qs = listed(request).select_related("office", "sector").prefetch_related("handling_units")
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "params": request.GET,
        "query": request.GET.urlencode(),
        "has_period": filters.event_filter(request.GET) is not None,
        "org_types": OrgType.choices,
        "stages": CaseStage.choices,
        "statuses": CaseStatus.choices,
        "screenings": Screening.choices,
        "check_kinds": CheckKind.choices,
        "sectors": Sector.objects.filter(is_active=True),
    }
    return render(request, "cases/case_list.html", context)


@login_required
def case_export(request: HttpRequest) -> HttpResponse:
    response = exports.cases_response(listed(request))
    audit.record(
        "case.export",
        actor=request.user,
        object_type="cases.ledger",
        after={"query": request.GET.urlencode()[:500]},
    )
    return response


@login_required
def screening_board(request: HttpRequest) -> HttpResponse:
    qs = (
        Case.objects.visible_to(request.user)
        .filter(screening__in=[Screening.UNSCREENED, Screening.CHECKING])
        .select_related("office")
        .order_by("created_at", "id")
    )
    return render(request, "cases/screening_board.html", {"cases": qs[:500], "total": qs.count()})


def get_case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user).select_related("office", "sector"), pk=pk)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from taizhang.cases import suspect_views  # it builds on this module's `act`

    case = get_case(request, pk)
    handling = list(case.handling_units.all())
    handling_ids = {u.pk for u in handling}
    clues = Clue.objects.visible_to(request.user).filter(cases=case)
    screening_ok = may_read_screening(request.user, case)
    context = {
        "case": case,
        "handling": handling,
        "events": case.events.all(),
        "clues": clues,
        # No count of the linked clues the person cannot see: the count itself would tell of them.
        "screening_ok": screening_ok,
        "timeline": timeline_of(case, request.user, screening_ok=screening_ok),
        "next_stages": [CaseStage(s).label for s in sorted(STAGE_TRANSITIONS[case.stage])],
        "judged_stages": sorted(JUDGED_STAGES),
        "can_manage": perm.can_manage(request.user, case),
        "can_stage": case.status == CaseStatus.OPEN
        and perm.can_record_stage(request.user, case, handling_ids),
        "can_screen": perm.can_screen(request.user, case),
        "stage_form": StageForm(initial={"stage": next(iter(sorted(STAGE_TRANSITIONS[case.stage])), "")}),
        "screen_form": ScreeningForm(),
        "letters": case.letters.visible_to(request.user).select_related("letter_type", "recipient_unit"),
        "followup": followup_views.section(request, case, handling_ids),
        "suspects": suspect_views.section(request, case, handling_ids),
    }
    return render(request, "cases/case_detail.html", context)


def _save_form(request: HttpRequest, form: CaseForm, case: Case | None) -> Case:
    data = form.cleaned_data
    figures = {name: data[name] for name in FIGURE_FIELDS}
    if case is None:
        return actions.do_register_case(
            actor=acting(request),
            office=data["office"],
            name=data["name"],
            org_type=data["org_type"],
            sector=data["sector"],
            brief=data["brief"],
            handling_units=list(data["handling_units"]),
            clues=data["clue_numbers"],
            **figures,
        )
    return actions.do_edit_case(
        case.pk,
        actor=acting(request),
        version=data.get("version"),
        handling_units=list(data["handling_units"]),
        clues=data["clue_numbers"],
        name=data["name"],
        org_type=data["org_type"],
        sector=data["sector"],
        brief=data["brief"],
        **figures,
    )


def may_register_case(user: Any, pk: int | None = None) -> bool:
    """The register page (no pk) opens to people who may register a case for one of its offices."""
    if pk is not None:
        return True  # editing: the record decides (404 if not visible, back to it if not the manager's)
    offices = CaseForm(user=user).fields["office"].queryset  # type: ignore[attr-defined]
    return any(perm.can_register(user, office) for office in offices)


@login_required
@page_rule(may_register_case)
def case_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    case = get_case(request, pk) if pk else None
    if case is not None and not perm.can_manage(request.user, case):
        refuse(request, _("您没有执行此操作的权限。"))
        return redirect("cases:detail", pk=case.pk)
    initial: dict[str, Any] = {}
    if case is not None:
        initial = {
            "office": case.office_id,
            "name": case.name,
            "org_type": case.org_type,
            "sector": case.sector_id,
            "brief": case.brief,
            "handling_units": list(case.handling_units.values_list("pk", flat=True)),
            "clue_numbers": " ".join(
                Clue.objects.visible_to(request.user).filter(cases=case).values_list("number", flat=True)
            ),
            "version": case.version,
            **{name: getattr(case, name) for name in FIGURE_FIELDS},
        }
    form = CaseForm(request.POST or None, user=request.user, initial=initial)
    if case is not None:
        form.fields["office"].disabled = True
        form.fields["office"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_form(request, form, case)
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("案件已保存。"))
            return redirect("cases:detail", pk=saved.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


def act(request: HttpRequest, pk: int, call: Any, done: str, anchor: str = "") -> HttpResponse:
    """Run one action on a visible case and go back to the case page (at `anchor`) with its message."""
    case = get_case(request, pk)
    try:
        call(case)
    except ActionError as exc:
        refuse(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(reverse("cases:detail", args=[case.pk]) + anchor)


@login_required
@require_POST
def case_stage(request: HttpRequest, pk: int) -> HttpResponse:
    form = StageForm(request.POST)
    if not form.is_valid():
        refuse(request, _("请填写诉讼阶段和日期。"))
        return redirect("cases:detail", pk=get_case(request, pk).pk)
    d = form.cleaned_data
    return act(
        request,
        pk,
        lambda case: actions.do_record_case_stage(
            case.pk,
            actor=acting(request),
            stage=d["stage"],
            occurred_on=d["occurred_on"],
            judged_on=d["judged_on"],
            persons=d["persons"],
            note=d["note"],
        ),
        _("诉讼阶段已登记。"),
    )


@login_required
@require_POST
def case_screen(request: HttpRequest, pk: int) -> HttpResponse:
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        refuse(request, _("请选择过筛结果。"))
        return redirect("cases:detail", pk=get_case(request, pk).pk)
    d = form.cleaned_data
    return act(
        request,
        pk,
        lambda case: actions.do_screen_case(
            case.pk, actor=acting(request), result=d["result"], note=d["note"]
        ),
        _("逐案过筛结果已登记。"),
    )


@login_required
@require_POST
def case_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return act(
        request,
        pk,
        lambda case: actions.do_conclude_case(
            case.pk, actor=acting(request), note=request.POST.get("note", "")
        ),
        _("案件已办结。"),
    )


@login_required
@require_POST
def case_judgment(request: HttpRequest, pk: int) -> HttpResponse:
    event_id, judged_on = request.POST.get("event", ""), request.POST.get("judged_on", "")
    try:
        day = dt.date.fromisoformat(judged_on)
    except ValueError:
        refuse(request, _("请填写宣判日期。"))
        return redirect("cases:detail", pk=get_case(request, pk).pk)
    return act(
        request,
        pk,
        lambda case: actions.do_record_judgment(
            case.pk, actor=acting(request), event_id=int(event_id) if event_id.isdigit() else 0, judged_on=day
        ),
        _("宣判日期已登记。"),
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return act(
        request,
        pk,
        lambda case: actions.do_reopen_case(
            case.pk, actor=acting(request), reason=request.POST.get("reason", "")
        ),
        _("案件已重新启动。"),
    )

"""Publicity pages: typical cases (draft, edit, approve, export), activities, surveys and their results, and
the public survey page (anonymous, under the portal's proof-of-work and limits)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.cases.models import Case
from taizhang.core import audit
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.portal import abuse
from taizhang.publicity import actions, documents, indicators, results
from taizhang.publicity import permissions as perm
from taizhang.publicity.choices import (
    LIKERT,
    ActivityKind,
    Channel,
    QuestionKind,
    SurveyStatus,
    TypicalStatus,
)
from taizhang.publicity.models import PublicityActivity, Survey, TypicalCase
from taizhang.pure.dates import parse_date_text as parse_date


def _own_unit(request: HttpRequest) -> Unit:
    unit = getattr(request.user, "unit", None)
    if unit is None:
        raise Http404()
    return unit


def _office_units(request: HttpRequest) -> Any:
    return Unit.objects.filter(path__startswith=_own_unit(request).path, is_active=True).order_by("path")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    typical = TypicalCase.objects.visible_to(request.user).select_related("case")[:50]
    surveys = Survey.objects.visible_to(request.user)[:20]
    year_start = timezone.localdate().replace(month=1, day=1)
    activities = PublicityActivity.objects.visible_to(request.user).filter(held_on__gte=year_start)
    by_kind = dict(activities.values_list("kind").annotate(n=Sum("count")).order_by())
    context = {
        "typical": typical,
        "surveys": surveys,
        "by_kind": [(label, by_kind.get(kind, 0)) for kind, label in ActivityKind.choices],
        "year": year_start.year,
        "may_export": TypicalCase.objects.visible_to(request.user)
        .filter(status=TypicalStatus.APPROVED)
        .exists(),
    }
    return render(request, "publicity/index.html", context)


@login_required
def typical_new(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("case") or request.POST.get("case") or ""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("office"),
        pk=int(raw) if raw.isdigit() and len(raw) < 12 else 0,
    )
    if not perm.can_draft_typical(request.user, case):
        raise Http404()
    if request.method == "POST":
        try:
            typical = actions.do_draft_typical(
                actor=acting(request),
                case_id=case.pk,
                title=request.POST.get("title", ""),
                listed=request.POST.get("listed") == "1",
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("已列为典型案例，摘要已自动脱敏，请核对后报领导审定。"))
            return redirect("publicity:typical", pk=typical.pk)
    return render(
        request, "publicity/typical_new.html", {"case": case, "proposed": actions.proposed_summary(case)}
    )


@login_required
def typical_detail(request: HttpRequest, pk: int) -> HttpResponse:
    typical = get_object_or_404(
        TypicalCase.objects.visible_to(request.user).select_related("case__office"), pk=pk
    )
    values = {"title": typical.title, "summary": typical.summary, "listed": typical.listed}
    if request.method == "POST" and perm.can_draft_typical(request.user, typical.case):
        values = {
            "title": request.POST.get("title", ""),
            "summary": request.POST.get("summary", ""),
            "listed": request.POST.get("listed") == "1",
        }
        try:
            version = request.POST.get("version", "")
            actions.do_edit_typical(
                typical.pk,
                actor=acting(request),
                version=int(version) if version.isdigit() else None,
                **values,
            )
        except ActionError as exc:
            refuse(request, exc.message)  # what was typed stays in the form below
        else:
            messages.success(request, _("已保存；修改后需重新审定。"))
            return redirect("publicity:typical", pk=typical.pk)
    context = {
        "typical": typical,
        "values": values,
        "may_edit": perm.can_draft_typical(request.user, typical.case),
        "may_approve": perm.can_approve_typical(request.user, typical.case)
        and typical.status == TypicalStatus.DRAFT,
    }
    return render(request, "publicity/typical_detail.html", context)


@login_required
@require_POST
def typical_approve(request: HttpRequest, pk: int) -> HttpResponse:
    typical = get_object_or_404(TypicalCase.objects.visible_to(request.user), pk=pk)
    try:
        actions.do_approve_typical(typical.pk, actor=acting(request))
    except ActionError as exc:
        refuse(request, exc.message)
    else:
        messages.success(request, _("典型案例已审定，可以导出。"))
    return redirect("publicity:typical", pk=typical.pk)


@login_required
def typical_export(request: HttpRequest) -> HttpResponse:
    rows = list(
        TypicalCase.objects.visible_to(request.user)
        .filter(status=TypicalStatus.APPROVED)
        .select_related("case__office")
        .order_by("approved_at", "id")
    )
    if not rows:
        refuse(request, _("没有已审定的典型案例可以导出。"))
        return redirect("publicity:index")
    audit.record("typical.export", actor=request.user, after={"typical": [t.pk for t in rows]})
    return documents.typical_response(rows, rows[0].case.office.name)


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form = {"kind": "", "held_on": "", "count": "1", "title": "", "unit": str(request.user.unit_id)}  # type: ignore[union-attr]
    if request.method == "POST":
        form = {k: request.POST.get(k, v) for k, v in form.items()}
        unit = Unit.objects.filter(
            pk=int(form["unit"]) if form["unit"].isdigit() and len(form["unit"]) < 12 else 0
        ).first()
        count = form["count"].strip()
        try:
            day = parse_date(form["held_on"])
            if day is None:
                raise ActionError("invalid_date", _("请填写活动日期（如 2026-12-04 或 2026年12月4日）。"))
            if unit is None:
                raise ActionError("invalid_unit", _("请选择单位。"))
            if not count.isdigit():
                raise ActionError("invalid_number", _("场次/数量须为整数。"))
            actions.do_record_activity(
                actor=acting(request),
                unit=unit,
                kind=form["kind"],
                held_on=day,
                count=int(count),
                title=form["title"],
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("宣传活动已登记。"))
            return redirect("publicity:activities")
    qs = indicators.activities(PublicityActivity.objects.visible_to(request.user), request.GET)
    page = Paginator(qs.select_related("unit"), 50).get_page(request.GET.get("page"))
    total = qs.aggregate(n=Sum("count"))["n"] or 0
    units = [u for u in _office_units(request) if perm.can_record_activity(request.user, u)]
    context = {"page": page, "total": total, "kinds": ActivityKind.choices, "form": form, "units": units}
    return render(request, "publicity/activities.html", context)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.visible_to(request.user).select_related("office")
    return render(request, "publicity/surveys.html", {"surveys": surveys, "may_create": _may_create(request)})


def _may_create(request: HttpRequest) -> bool:
    unit = request.user.unit  # type: ignore[union-attr]
    return unit is not None and perm.can_run_survey(request.user, unit) and unit.kind == "office"


_SPLIT = re.compile(r"[|｜]")


def _questions(text: str) -> list[dict[str, Any]]:
    """One question a line; "问题｜选项一｜选项二" makes a choice question, a line alone a satisfaction one."""
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in _SPLIT.split(line) if p.strip()]
        if not parts:
            continue
        kind = QuestionKind.CHOICE if len(parts) > 1 else QuestionKind.LIKERT
        out.append({"text": parts[0], "kind": kind, "options": parts[1:]})
    return out


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    if not _may_create(request):
        raise Http404()
    office = _own_unit(request)
    districts = Unit.objects.filter(parent=office, kind="office", is_active=True).order_by("path")
    values: dict[str, Any] = {
        "title": "",
        "period_start": "",
        "period_end": "",
        "questions": "",
        "districts": [],
    }
    if request.method == "POST":
        values = {
            "title": request.POST.get("title", ""),
            "period_start": request.POST.get("period_start", ""),
            "period_end": request.POST.get("period_end", ""),
            "questions": request.POST.get("questions", ""),
            "districts": request.POST.getlist("districts"),
        }
        start, end = parse_date(values["period_start"]), parse_date(values["period_end"])
        chosen = list(
            districts.filter(pk__in=[d for d in values["districts"] if d.isdigit() and len(d) < 12])
        )
        try:
            if start is None or end is None:
                raise ActionError("invalid_date", _("请填写调查期（如 2026-12-01 或 2026年12月1日）。"))
            survey = actions.do_create_survey(
                actor=acting(request),
                office=office,
                title=values["title"],
                period_start=start,
                period_end=end,
                districts=chosen,
                questions=_questions(values["questions"]),
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("调查已创建，开始后群众即可填答。"))
            return redirect("publicity:survey", pk=survey.pk)
    return render(request, "publicity/survey_new.html", {"values": values, "districts": districts})


def _rows(text: str) -> list[list[str]]:
    return [re.split(r"[\s,，、]+", line.strip()) for line in (text or "").splitlines() if line.strip()]


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.visible_to(request.user).select_related("office"), pk=pk)
    may_run = perm.can_run_survey(request.user, survey.office)
    entry = {"district": "", "channel": Channel.PAPER, "rows": ""}
    if request.method == "POST" and may_run:
        entry = {k: request.POST.get(k, v) for k, v in entry.items()}
        questions = list(survey.questions.all())
        lines = _rows(entry["rows"])
        try:
            for n, line in enumerate(lines, start=1):
                if len(line) != len(questions):
                    raise ActionError(
                        "invalid_row",
                        _("第 %(l)s 行有 %(a)s 个答案，应为 %(q)s 个。")
                        % {"l": n, "a": len(line), "q": len(questions)},
                    )
            rows = [{q.pk: v for q, v in zip(questions, line, strict=True)} for line in lines]
            district = entry["district"]
            count = actions.do_enter_answers(
                survey.pk,
                actor=acting(request),
                district_id=int(district) if district.isdigit() and len(district) < 12 else 0,
                channel=entry["channel"],
                rows=rows,
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("已录入 %(n)s 份答卷。") % {"n": count})
            return redirect("publicity:survey", pk=survey.pk)
    context = {
        "survey": survey,
        "table": results.table(survey),
        "may_run": may_run,
        "entry": entry,
        "channels": [(Channel.PAPER, Channel.PAPER.label), (Channel.PHONE, Channel.PHONE.label)],
        "districts": survey.districts.order_by("path"),
        # A separate ledger site: citizens answer on the internet portal site, the ferry brings the answers.
        "on_portal_site": settings.SITE == "ledger",
        "next_status": {SurveyStatus.DRAFT: SurveyStatus.OPEN, SurveyStatus.OPEN: SurveyStatus.CLOSED}.get(
            SurveyStatus(survey.status)
        ),
    }
    return render(request, "publicity/survey_detail.html", context)


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.visible_to(request.user), pk=pk)
    try:
        actions.do_set_survey_status(survey.pk, actor=acting(request), status=request.POST.get("status", ""))
    except ActionError as exc:
        refuse(request, exc.message)
    return redirect("publicity:survey", pk=survey.pk)


def public_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of an open survey: anonymous, no IP stored, proof-of-work and limits as the portal."""
    survey = Survey.objects.filter(pk=pk, status=SurveyStatus.OPEN).first()
    if survey is None:
        return render(request, "gate/survey_closed.html", status=404)
    questions = list(survey.questions.all())
    chosen: dict[str, str] = {}
    if request.method == "POST":
        chosen = {k: str(v) for k, v in request.POST.items() if k.startswith("q") or k == "district"}
        try:
            abuse.hit("survey", abuse.client_address(request))
            if request.POST.get("website"):
                raise ActionError("rejected", _("提交未通过校验。"))
            nonce = abuse.check_challenge(
                request.POST.get("challenge", ""), request.POST.get("pow_answer", "")
            )
            district = request.POST.get("district", "")
            with transaction.atomic():
                abuse.spend_challenge(nonce)
                actions.do_answer_survey(
                    survey.pk,
                    district_id=int(district) if district.isdigit() and len(district) < 12 else 0,
                    answers={q.pk: request.POST.get(f"q{q.pk}") for q in questions},
                )
        except ActionError as exc:
            # A citizen's anonymous answers never rest in a session; the form below shows them again.
            refuse(request, exc.message, keep=False)
        else:
            return render(request, "gate/survey_thanks.html", {"survey": survey})
    context = {
        "survey": survey,
        "questions": questions,
        "likert": LIKERT,
        "districts": survey.districts.order_by("path"),
        "chosen": chosen,
        "challenge": abuse.new_challenge(),
        "pow_bits": abuse.pow_bits(),
    }
    return render(request, "publicity/public_answer.html", context)

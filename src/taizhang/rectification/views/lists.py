"""Problem lists and measures: overview with progress, a list's measures, a measure's progress and review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from taizhang.core import audit, files
from taizhang.core.access import page_rule
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.params import as_id
from taizhang.core.uploads import check_ooxml
from taizhang.jobs import runner
from taizhang.org.actors import acting
from taizhang.rectification import actions, exports, imports
from taizhang.rectification import permissions as perm
from taizhang.rectification.choices import MeasureStatus
from taizhang.rectification.forms import (
    ImportForm,
    ProblemListForm,
    ProgressForm,
    ReviewForm,
)
from taizhang.rectification.models import Evidence, Measure, ProblemList
from taizhang.rectification.progress import progress_by_list


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    qs = ProblemList.objects.visible_to(request.user).select_related("office", "sector", "letter")
    if request.GET.get("source"):
        qs = qs.filter(source=request.GET["source"])
    if sector := as_id(request.GET.get("sector")):
        qs = qs.filter(sector_id=sector)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    progress = progress_by_list(request.user, [pl.pk for pl in page])
    rows = [{"list": pl, "progress": progress.get(pl.pk)} for pl in page]
    return render(request, "rectification/list_index.html", {"page": page, "rows": rows})


def measures_of(request: HttpRequest, problem_list: ProblemList) -> Any:
    qs = Measure.objects.visible_to(request.user).filter(problem__problem_list=problem_list)
    if request.GET.get("status") in MeasureStatus.values:
        qs = qs.filter(status=request.GET["status"])
    return qs.order_by("problem__seq", "seq", "id")


def may_see_list(user: Any, pk: int) -> bool:
    """The problem list's page, and every link to it (a letter's recipient may not see the office's list)."""
    return ProblemList.objects.visible_to(user).filter(pk=pk).exists()


@login_required
@page_rule(may_see_list)
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem_list = get_object_or_404(
        ProblemList.objects.visible_to(request.user).select_related("office", "sector", "letter"), pk=pk
    )
    measures = (
        measures_of(request, problem_list).select_related("problem", "person").prefetch_related("units")
    )
    context = {
        "problem_list": problem_list,
        "measures": measures,
        "progress": progress_by_list(request.user, [pk]).get(pk),
        "statuses": MeasureStatus.choices,
    }
    return render(request, "rectification/list_detail.html", context)


@login_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    problem_list = get_object_or_404(ProblemList.objects.visible_to(request.user), pk=pk)
    response = exports.problem_list_response(problem_list, measures_of(request, problem_list))
    audit.record("problem_list.export", actor=request.user, obj=problem_list)
    return response


def may_create_list(user: Any, **_: Any) -> bool:
    """Like the clue register page: people who may create a list for none of the form's offices get 404."""
    offices = ProblemListForm(user=user).fields["office"].queryset  # type: ignore[attr-defined]
    return any(perm.is_office_over(user, office.path) for office in offices)


@login_required
@page_rule(may_create_list)
def list_create(request: HttpRequest) -> HttpResponse:
    form = ProblemListForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = d["rows"]
            problem_list = actions.do_create_problem_list(
                actor=acting(request),
                title=d["title"],
                source=d["source"],
                office=d["office"],
                sector=d["sector"],
                rows=rows,
            )
        except ActionError as exc:
            refuse(request, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("问题清单已建立。"))
            return redirect("rectification:problem_list", pk=problem_list.pk)
    context = {
        "form": form,
        "title": _("录入问题清单"),
        "measure_rows": form.rows or [{}],
        "rows_required": True,
    }
    return render(request, "rectification/form.html", context)


@login_required
@page_rule(may_create_list)
def list_import(request: HttpRequest) -> HttpResponse:
    """Check the upload at once (a real .xlsx, no zip bomb), then queue the import for the worker; its page
    shows the progress and every row error, and links to the list when it is written."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            check_ooxml(d["file"], "xlsx")
            d["file"].seek(0)
            stored = files.store(d["file"].chunks(), max_bytes=imports.MAX_FILE_BYTES, prefix="imports/")
        except ActionError as exc:
            errors = [exc.message]
        else:
            job = runner.enqueue(
                "rectification.import",
                user=request.user,
                params={
                    "storage_path": stored.storage_path,
                    "title": d["title"],
                    "source": d["source"],
                    "office": d["office"].pk,
                    "sector": d["sector"].pk if d["sector"] else None,
                },
            )
            return redirect("jobs:job", pk=job.pk)
    context = {
        "form": form,
        "errors": errors,
        "title": _("导入问题清单"),
        "multipart": True,
        "columns": imports.COLUMNS,
    }
    return render(request, "rectification/form.html", context)


def _measure(request: HttpRequest, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.visible_to(request.user).select_related("problem__problem_list__office", "person"),
        pk=pk,
    )


# What the measure's 办理记录 calls each audit entry (the codes stay the auditor's).
MEASURE_ACTIONS = {
    "measure.progress": _l("报送整改进展"),
    "measure.request_signoff": _l("申请销号"),
    "measure.sign_off": _l("审核同意销号"),
    "measure.send_back": _l("退回继续整改"),
}


def _measure_history(measure: Measure) -> list[dict[str, Any]]:
    """Who did what to the measure, when, with their words: every signature and approval is here."""
    from taizhang.core.audit import actor_name
    from taizhang.core.models import AuditEntry

    entries = AuditEntry.objects.filter(
        object_type="rectification.measure", object_id=str(measure.pk)
    ).order_by("id")
    return [
        {
            "at": e.at,
            "actor": actor_name(e),
            "label": MEASURE_ACTIONS.get(e.action, _l("其他操作")),
            "reason": e.reason,
        }
        for e in entries
    ]


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    unit_ids = set(measure.units.values_list("pk", flat=True))
    office_path = measure.problem.problem_list.office.path
    context = {
        "measure": measure,
        "units": measure.units.all(),
        "reports": measure.reports.select_related("reported_by").prefetch_related("evidence"),
        "history": _measure_history(measure),
        "can_report": measure.status == MeasureStatus.IN_PROGRESS
        and perm.is_unit_actor(request.user, unit_ids),
        "can_review": measure.status == MeasureStatus.REQUESTED
        and perm.is_office_over(request.user, office_path),
        "progress_form": ProgressForm(initial={"version": measure.version}),
        "review_form": ReviewForm(initial={"version": measure.version}),
    }
    return render(request, "rectification/measure_detail.html", context)


@login_required
@require_POST
def measure_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        uploads = [(f.name or "", f.chunks()) for f in request.FILES.getlist("evidence")]
        try:
            actions.do_report_measure_progress(
                measure.pk,
                actor=acting(request),
                body=form.cleaned_data["body"],
                evidence=uploads,
                request_completion=form.cleaned_data["request_completion"],
                version=form.cleaned_data["version"],
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("整改进展已报送。"))
    else:
        refuse(request, _("请填写进展情况。"))
    return redirect("rectification:measure", pk=measure.pk)


@login_required
@require_POST
def measure_review(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.do_review_measure(
                measure.pk,
                actor=acting(request),
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("审核意见已登记。"))
    return redirect("rectification:measure", pk=measure.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    visible = Measure.objects.visible_to(request.user).values("pk")
    evidence = get_object_or_404(Evidence.objects.filter(report__measure__in=visible), pk=pk)
    audit.record(
        "rectification.evidence_read",
        actor=request.user,
        object_type="rectification.evidence",
        object_id=evidence.pk,
        object_repr=evidence.name,
    )
    try:
        handle = files.open_file(evidence.storage_path)
    except ActionError as exc:
        raise Http404() from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.name)

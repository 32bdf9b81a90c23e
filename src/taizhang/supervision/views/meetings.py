"""Meetings (例会): series, agenda, minutes, attendance, decisions; and supervised tasks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.core.access import page_rule
from taizhang.core.params import as_id
from taizhang.org.actors import acting
from taizhang.supervision import actions, permissions
from taizhang.supervision.actions.meetings import AttendeeData
from taizhang.supervision.choices import AttendanceStatus
from taizhang.supervision.forms import MeetingForm, MinutesForm, SeriesForm, TaskDoneForm, TaskForm
from taizhang.supervision.models import Decision, Meeting, MeetingSeries, Task
from taizhang.supervision.views.common import form_errors, run


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    qs = Meeting.objects.visible_to(request.user).select_related("office", "series")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    office = permissions.is_office_actor(request.user)
    series = MeetingSeries.objects.filter(office_id=getattr(request.user, "unit_id", None)) if office else []
    return render(
        request,
        "supervision/meeting_list.html",
        {
            "page": page,
            "series": series,
            "meeting_form": MeetingForm() if office else None,
            "series_form": SeriesForm() if office else None,
        },
    )


@login_required
@require_POST
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST)
    back = reverse("supervision:meeting_list")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return run(
        request,
        lambda: actions.do_plan_meeting(actor=acting(request), **form.cleaned_data),
        ok=_("会议已安排。"),
        back=back,
    )


@login_required
@require_POST
def series_create(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST)
    back = reverse("supervision:meeting_list")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)

    def _create() -> None:
        actions.do_create_series(actor=acting(request), **form.cleaned_data)
        from taizhang.supervision.meetings import schedule_meetings

        schedule_meetings(timezone.now())

    return run(request, _create, ok=_("例会已设置，近四周的会议已排期。"), back=back)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def may_see_meeting(user: object, pk: int) -> bool:
    """The meeting page, and every link to it (a task born of a meeting the person may not see has none)."""
    return Meeting.objects.visible_to(user).filter(pk=pk).exists()


@login_required
@page_rule(may_see_meeting)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("office"), pk=pk)
    can_edit = permissions.can_supervise(request.user, meeting.office) and meeting.status != "cancelled"
    present = [a.name for a in meeting.attendance.all() if a.status != AttendanceStatus.ABSENT]
    absent = [a.name for a in meeting.attendance.all() if a.status == AttendanceStatus.ABSENT]
    form = MinutesForm(
        initial={
            "chair": meeting.chair,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "attendees": "\n".join(present),
            "absent": "\n".join(absent),
            "version": meeting.version,
        }
    )
    decisions = meeting.decisions.prefetch_related("tasks")
    return render(
        request,
        "supervision/meeting_detail.html",
        {
            "meeting": meeting,
            "form": form if can_edit else None,
            "decisions": decisions,
            "task_form": TaskForm(user=request.user) if can_edit else None,
            "attendance": meeting.attendance.all(),
        },
    )


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    form = MinutesForm(request.POST)
    back = reverse("supervision:meeting_detail", args=[meeting.pk])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    attendees = [AttendeeData(name=line) for line in _lines(data["attendees"])]
    attendees += [AttendeeData(name=line, status=AttendanceStatus.ABSENT) for line in _lines(data["absent"])]
    return run(
        request,
        lambda: actions.do_record_minutes(
            meeting.pk,
            actor=acting(request),
            minutes=data["minutes"],
            chair=data["chair"],
            agenda=data["agenda"],
            attendees=attendees,
            decisions=_lines(data["decisions"]),
            version=data["version"],
        ),
        ok=_("会议纪要已保存。"),
        back=back,
    )


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    qs = Task.objects.visible_to(request.user).select_related("owner_unit", "owner_person")
    status = request.GET.get("status", "open")
    if status in ("open", "done", "cancelled"):
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    form = TaskForm(user=request.user) if permissions.is_office_actor(request.user) else None
    return render(
        request,
        "supervision/task_list.html",
        {"page": page, "status": status, "form": form, "now": timezone.now()},
    )


@login_required
@require_POST
def task_create(request: HttpRequest) -> HttpResponse:
    form = TaskForm(request.POST, user=request.user)
    decision = None
    back = reverse("supervision:task_list")
    if request.POST.get("decision"):
        # A decision of a meeting the person may see (another office's is the same 404 as a missing one).
        decision = get_object_or_404(
            Decision.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)),
            pk=as_id(request.POST["decision"]) or 0,
        )
        back = reverse("supervision:meeting_detail", args=[decision.meeting_id])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    return run(
        request,
        lambda: actions.do_create_task(
            actor=acting(request),
            title=data["title"],
            detail=data["detail"],
            owner_unit=data["unit"],
            owner_person=data["owner_person"],
            due_at=data["due_at"],
            decision=decision,
        ),
        ok=_("任务已交办。"),
        back=back,
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.visible_to(request.user).select_related(
            "owner_unit", "owner_person", "office", "decision"
        ),
        pk=pk,
    )
    can_finish = task.status == "open" and (
        permissions.is_unit_actor(request.user, task.owner_unit_id)
        or permissions.can_supervise(request.user, task.office)
    )
    return render(
        request,
        "supervision/task_detail.html",
        {
            "task": task,
            "form": TaskDoneForm(initial={"version": task.version}) if can_finish else None,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    form = TaskDoneForm(request.POST)
    back = reverse("supervision:task_detail", args=[task.pk])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return run(
        request,
        lambda: actions.do_complete_task(
            task.pk,
            actor=acting(request),
            result=form.cleaned_data["result"],
            version=form.cleaned_data["version"],
        ),
        ok=_("任务已办结。"),
        back=back,
    )

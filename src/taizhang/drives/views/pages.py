"""Drive pages: the list, a drive with its rounds, board and returns, the drill-down, and the POST steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from taizhang.clues.models import Clue
from taizhang.core.access import page_rule
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.params import as_id
from taizhang.drives import actions, board
from taizhang.drives import permissions as perm
from taizhang.drives.choices import BoardBucket, DriveStatus, ReturnStatus
from taizhang.drives.forms import DriveForm, ReturnForm
from taizhang.drives.models import Drive, DriveFinding, DriveReturn, DriveRound
from taizhang.org.actors import acting
from taizhang.org.visibility import scope_of

RETURNS_PER_PAGE = 100


@login_required
@require_GET
def drive_list(request: HttpRequest) -> HttpResponse:
    drives = (
        Drive.objects.visible_to(request.user)
        .select_related("office", "lead_unit")
        .order_by("-starts_on", "-pk")
    )
    page = Paginator(drives, 50).get_page(request.GET.get("page"))
    return render(request, "drives/list.html", {"page": page, "can_create": _office_of(request) is not None})


def _office_of(request: HttpRequest) -> Any:
    """The person's office when they may plan drives for it (office staff or leaders), else None."""
    office = getattr(request.user, "unit", None)
    if office is None or office.kind != "office" or not perm.is_office_over(request.user, office.path):
        return None
    return office


def _drive(request: HttpRequest, pk: int) -> Drive:
    return get_object_or_404(
        Drive.objects.visible_to(request.user)
        .select_related("office", "lead_unit")
        .prefetch_related("sectors"),
        pk=pk,
    )


@login_required
@require_GET
def drive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    drive = _drive(request, pk)
    now = timezone.now()
    returns = (
        DriveReturn.objects.visible_to(request.user)
        .filter(drive=drive)
        .select_related("unit", "round")
        .order_by("-round__seq", "unit__path")
    )
    # A page of returns, not 500: 200 units x 12 rounds is 2,400 rows, and rendering them was most of the
    # page's time. Every return stays reachable here page by page, and through the board's drill-downs.
    returns_page = Paginator(returns, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    data = board.board(request.user, drive, now)
    board.link_cells(data, reverse("drives:records", args=[drive.pk]))
    context = {
        "drive": drive,
        "rounds": drive.rounds.order_by("-seq"),
        "returns": returns_page,
        "board": data,
        "can_organise": perm.can_organise(request.user, drive),
        "now": now,
        "pending": ReturnStatus.PENDING,
        "filing_unit": filing_unit(request.user),
    }
    return render(request, "drives/detail.html", context)


@login_required
@require_GET
def drive_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The records behind one number of the board (the same queryset that counted them)."""
    drive = _drive(request, pk)
    bucket = request.GET.get("bucket", "")
    if bucket not in BoardBucket.values:
        raise Http404
    qs = board.bucket_qs(
        request.user,
        drive,
        bucket,
        timezone.now(),
        unit=as_id(request.GET.get("unit")),
        sector=as_id(request.GET.get("sector")),
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    is_returns = bucket in board.RETURN_BUCKETS
    numbers: dict[int, str] = {}
    if not is_returns:
        # A finding's clue is linked only for people who may open it (the clue's own rule decides).
        ids = [f.clue_id for f in page if f.clue_id]
        numbers = dict(Clue.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", "number"))
    return render(
        request,
        "drives/records.html",
        {
            "drive": drive,
            "bucket": BoardBucket(bucket),
            "page": page,
            "is_returns": is_returns,
            "numbers": numbers,
            "can_organise": perm.can_organise(request.user, drive),
        },
    )


def _sectors_by_name(drive: Drive) -> dict[str, int]:
    return {s.name: s.pk for s in drive.sectors.all()}


def may_file(user: Any, pk: int) -> bool:
    """The return is visible and the person acts for its unit (the page's check, and its links')."""
    unit_id = DriveReturn.objects.visible_to(user).filter(pk=pk).values_list("unit_id", flat=True).first()
    return unit_id is not None and perm.is_unit_actor(user, unit_id)


def filing_unit(user: Any) -> int | None:
    """The unit whose returns this person files (the same rule as `may_file`), for the links on a page."""
    scope = scope_of(user)
    return scope.unit_id if scope and scope.unit_id and perm.is_unit_actor(user, scope.unit_id) else None


@login_required
@page_rule(may_file)
def return_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's return for the round (GET shows the form to the unit's people; POST files it)."""
    ret = get_object_or_404(
        DriveReturn.objects.visible_to(request.user).select_related("drive", "round", "unit"), pk=pk
    )
    form = ReturnForm(request.POST or None, sectors=_sectors_by_name(ret.drive))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_file_return(
                ret.pk,
                actor=acting(request),
                items_checked=data["items_checked"],
                findings=data["findings"],
                is_zero=data["is_zero"],
                leader_name=data["leader_name"],
                note=data["note"],
                version=as_id(request.POST.get("version")),
            )
        except ActionError as exc:
            if exc.status == 404:
                raise Http404 from exc
            form.add_error(None, exc.message)  # the form keeps what the person typed
        else:
            messages.success(request, _("已报送。"))
            return redirect("drives:detail", ret.drive_id)
    return render(request, "drives/return_form.html", {"ret": ret, "form": form})


def _step(request: HttpRequest, drive_id: int, call: Callable[[], Any], done: str) -> HttpResponse:
    try:
        call()
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(request.POST.get("next") or reverse("drives:detail", args=[drive_id]))


def _finding_drive(request: HttpRequest, pk: int) -> int:
    finding = get_object_or_404(DriveFinding.objects.visible_to(request.user), pk=pk)
    return finding.drive_id


@login_required
@require_POST
def finding_register(request: HttpRequest, pk: int) -> HttpResponse:
    drive_id = _finding_drive(request, pk)
    return _step(
        request, drive_id, lambda: actions.do_register_finding(pk, actor=acting(request)), _("已登记为线索。")
    )


@login_required
@require_POST
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    drive_id = _finding_drive(request, pk)
    try:
        deadline = dt.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        refuse(request, _("请填写有效的整改时限。"))
        return redirect("drives:detail", drive_id)
    return _step(
        request,
        drive_id,
        lambda: actions.do_rectify_finding(
            pk, actor=acting(request), measure=request.POST.get("measure", ""), deadline=deadline
        ),
        _("已列入整改清单。"),
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(
        DriveRound.objects.filter(drive__in=Drive.objects.visible_to(request.user).values("pk")), pk=pk
    )
    return _step(
        request, rnd.drive_id, lambda: actions.do_close_round(pk, actor=acting(request)), _("本轮已截止。")
    )


def may_close_drive(user: Any, pk: int) -> bool:
    """The organising office (or one above it) of a drive the person sees, while it runs."""
    drive = Drive.objects.visible_to(user).select_related("office").filter(pk=pk).first()
    return drive is not None and drive.status != DriveStatus.CLOSED and perm.can_organise(user, drive)


@login_required
@require_POST
@page_rule(may_close_drive)
def drive_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda: actions.do_close_drive(pk, actor=acting(request), version=as_id(request.POST.get("version"))),
        _("排查已结束。"),
    )


@login_required
def drive_create(request: HttpRequest) -> HttpResponse:
    """Plan a drive (offices only: everyone else gets 404, as the action would refuse them)."""
    office = _office_of(request)
    if office is None:
        raise Http404
    form = DriveForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            drive = actions.do_create_drive(
                actor=acting(request),
                title=data["title"],
                kind=data["kind"],
                office=office,
                lead_unit=data["lead_unit"],
                sectors=list(data["sectors"]),
                units=list(data["units"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                requirements=data["requirements"],
                interval_days=data["interval_days"],
                return_days=data["return_days"],
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("排查已部署。"))
            return redirect("drives:detail", drive.pk)
    return render(request, "drives/form.html", {"form": form})

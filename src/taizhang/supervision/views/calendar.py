"""The 节假日安排 import: an administrator pastes or uploads the notice, checks the days read, confirms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core import clock, deadlines
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
from taizhang.org.choices import RoleCode
from taizhang.pure.workdays import OFFICIAL_YEARS
from taizhang.supervision.actions.calendar import do_apply_holiday_notice, problem_text, read_notice
from taizhang.supervision.models import HolidayNotice

MAX_UPLOAD_BYTES = 200_000


def _text_of(request: HttpRequest) -> str:
    """The pasted text, or the uploaded .txt file (UTF-8 or GB18030) when one was chosen."""
    upload = request.FILES.get("file")
    if upload is None:
        return request.POST.get("text", "")
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ActionError("too_long", _("文件过大，请上传通知的文本（.txt）。"))
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ActionError("encoding", _("无法读取该文件，请上传 UTF-8 或 GBK 编码的文本文件。"))


def _year_of(request: HttpRequest) -> int | None:
    value = (request.POST.get("year") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ActionError("invalid", _("年份应为四位数字，如 2027。"))
    return int(value)


@login_required
def holiday_notice(request: HttpRequest) -> HttpResponse:
    """GET: the form and the years known; POST preview: the days read; POST apply: write them (audited)."""
    if not getattr(request.user, "has_role", None) or not request.user.has_role(RoleCode.SYSADMIN):  # type: ignore[union-attr]
        raise Http404
    today = timezone.localtime(clock.now()).date()
    context: dict = {
        "text": "",
        "year": "",
        "official": f"{OFFICIAL_YEARS.start}–{OFFICIAL_YEARS.stop - 1}",
        "notices": HolidayNotice.objects.select_related("applied_by")[:10],
        "next_year": today.year + 1,
    }
    if request.method == "POST":
        # What was typed stays on the page whatever is refused.
        context.update(text=request.POST.get("text", ""), year=request.POST.get("year", ""))
        try:
            text = context["text"] = _text_of(request)
            year = _year_of(request)
            if request.POST.get("confirm") == "1":
                notice = do_apply_holiday_notice(text, year, actor=acting(request))
                messages.success(
                    request,
                    _("已按%(year)s年节假日安排调整 %(n)s 天。")
                    % {"year": notice.year, "n": len(notice.days)},
                )
                return redirect("supervision:holiday_notice")
            parsed = read_notice(text, year)
        except ActionError as exc:
            refuse(request, exc.message)
            return render(request, "supervision/holiday_notice.html", context)
        cal = deadlines.calendar()
        context.update(
            parsed=parsed,
            year=parsed.year or "",
            problems=[problem_text(p) for p in parsed.problems],
            rows=[
                {
                    "day": d.day,
                    "is_workday": d.is_workday,
                    "festival": d.festival,
                    "was_workday": cal.is_workday(d.day),
                    "weekend": d.day.weekday() >= 5,
                }
                for d in parsed.days
            ],
        )
    return render(request, "supervision/holiday_notice.html", context)

"""Tell the person when a deadline computed for their request ran through a year whose holidays are unknown."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from taizhang.core import deadlines


class CalendarWarningMiddleware:
    """A page shows the warning itself (base.html); a POST that redirects passes it on as a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        deadlines.forget_guessed_years()
        response = self.get_response(request)
        years = deadlines.guessed_years()
        user = getattr(request, "user", None)
        staff = bool(user and user.is_authenticated)  # the public portal is never told about the calendar
        if years and staff and 300 <= response.status_code < 400 and hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "期限涉及 %(years)s 年，系统尚无该年的法定节假日安排：按周一至周五计算（另计已录入的工作日调整），"
                    "春节等假期和调休上班日可能不准。"
                )
                % {"years": "、".join(str(y) for y in years)},
            )
        return response

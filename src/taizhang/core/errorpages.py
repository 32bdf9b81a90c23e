"""The error pages: every refusal a person can meet, in Chinese, in the site's layout.

Kept apart from the staff views so that the internet portal site (which loads nothing of the ledger, see
site_guard) answers with the same pages.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

logger = logging.getLogger(__name__)

# Every refusal a person can meet, in Chinese, in the site's layout (the portal's for /report/), whether
# DEBUG is on or not: Django's own pages are English and, under DEBUG, list every URL pattern.
ERRORS: dict[int, tuple[Any, Any]] = {
    400: (_l("请求无效"), _l("请求内容无法识别，请返回上一页重试。")),
    403: (_l("无权访问"), _l("您没有打开此页面的权限。如需办理，请联系本单位联络员或扫黑办。")),
    404: (_l("页面不存在"), _l("您要找的页面或记录不存在，或您无权查看。")),
    500: (_l("系统出错"), _l("服务器内部错误，已记录。请稍后重试；如反复出现，请联系系统管理员。")),
}
CSRF_HINT = _l(
    "页面停留时间过长或已在其他窗口退出登录，安全校验未通过。请刷新页面后重新提交；您填写的内容可能需要重新输入。"
)


def error_page(request: HttpRequest, status: int, hint: str = "", message: str = "") -> HttpResponse:
    """The error page for `status`; JSON {code, message} under /api/."""
    title, default_message = ERRORS.get(status, ERRORS[500])
    text = message or str(default_message)
    if request.path.startswith("/api/"):
        code = {400: "bad_request", 403: "forbidden", 404: "not_found"}.get(status, "server_error")
        return JsonResponse({"code": code, "message": text}, status=status)
    portal = request.path.startswith("/report/") or settings.SITE == "portal"
    context = {"title": title, "message": text, "hint": hint}
    try:
        if portal:
            # The citizen's page: no staff navigation, no account, nothing of the staff site.
            return HttpResponse(render_to_string("portal/site_error.html", context), status=status)
        return render(request, "core/error.html", context, status=status)
    except Exception:
        logger.exception("error page %s could not be rendered", status)
        return HttpResponse(f"<h1>{title}</h1><p>{text}</p>", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the JSON error shape under /api/ (a path no operation matches), the Chinese page elsewhere."""
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the JSON error shape under /api/, the Chinese page elsewhere."""
    return error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF refusal (settings.CSRF_FAILURE_VIEW): say what happened and what to do, in Chinese."""
    return error_page(request, 403, hint=str(CSRF_HINT), message=_("安全校验未通过，本次提交没有保存。"))

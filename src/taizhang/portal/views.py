"""Public pages under /report/: no login, nothing changes on GET, and no network detail is stored.

Each POST runs the same guard first: refuse oversize or malformed bodies before parsing, count the request
against the per-client and total limits, check the honeypot and the proof-of-work.

The same pages serve the combined site (a report becomes a clue at once: portal.combined) and the internet
portal site (a report is sealed for the ferry: gate.pages); `_site()` picks, and nothing of the ledger is
imported on the portal site.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taizhang.core import sealing
from taizhang.core.errors import ActionError
from taizhang.portal import abuse, credentials, uploads
from taizhang.portal.forms import FollowupForm, MessageForm, ReportForm

SESSION_NEW_RECEIPT = "portal_new_receipt"
RECEIPT_AAD = b"portal-receipt"
KEY_COOKIE = "portal_key"


def _site() -> Any:
    """The module doing the work behind the pages on this site (see the module docstring)."""
    if settings.SITE == "portal":
        from taizhang.gate import pages

        return pages
    from taizhang.portal import combined

    return combined


def max_request_bytes() -> int:
    return abuse.setting("MAX_REQUEST_BYTES", uploads.max_total_bytes() + 2 * 1024 * 1024)


class Malformed(ActionError):
    """A request the portal will not parse (too big, too many fields, broken multipart)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__("bad_request", message)
        self.status = status


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Headers every portal page carries: never cached, never framed, no referrer to other sites, not indexed."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, which CSRF
        # protection must refuse; same-origin still tells other sites nothing.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def parse(request: HttpRequest) -> None:
    """Refuse a body over the limit before reading it, and turn parser failures into a clear error."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_request_bytes():
        raise Malformed(
            413,
            _("提交的内容过大（附件合计最多 %(mb)s MB），请减少附件后重试。")
            % {"mb": uploads.max_total_bytes() // (1024 * 1024)},
        )
    try:
        request.POST  # noqa: B018 - parse now, so a broken body fails here and not inside the action
        request.FILES  # noqa: B018
    except (RequestDataTooBig, TooManyFieldsSent) as exc:
        raise Malformed(413, _("提交的内容过大或字段过多。")) from exc
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError) as exc:
        raise Malformed(400, _("提交的数据格式不正确，请刷新页面后重试。")) from exc


def guard(request: HttpRequest, bucket: str) -> str:
    """Limits, honeypot and proof-of-work; returns the challenge nonce to spend with the write."""
    abuse.hit(bucket, abuse.client_address(request))
    if request.POST.get("website"):
        raise ActionError("rejected", _("提交未通过校验。"))
    return abuse.check_challenge(request.POST.get("challenge", ""), request.POST.get("pow_answer", ""))


def _fresh_challenge(form: Any) -> None:
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["challenge"] = abuse.new_challenge()
        form.data["pow_answer"] = ""
    else:
        form.initial["challenge"] = abuse.new_challenge()


def _context(form: Any, **extra: Any) -> dict[str, Any]:
    _fresh_challenge(form)
    return {"form": form, "pow_bits": abuse.pow_bits(), "accept": uploads.ACCEPT, **extra}


# The blank report form is the same for everyone except the CSRF token and the challenge; rendering its
# thirty widgets is most of a submission's cost outside the passphrase hash, so it is rendered once a minute
# per process and language, with placeholders filled per request.
_CSRF_SLOT, _CHALLENGE_SLOT = "@@csrf-slot@@", "@@challenge-slot@@"
_BLANK_TTL = 60.0
_blank_pages: dict[tuple[object, ...], tuple[float, str]] = {}


def _blank_report_page(request: HttpRequest) -> HttpResponse:
    limits = _limits()
    key = (get_language() or "", abuse.pow_bits(), *limits.values())
    cached = _blank_pages.get(key)
    if cached is None or cached[0] < time.monotonic():
        form = ReportForm(initial={"challenge": _CHALLENGE_SLOT})
        context = {"form": form, "pow_bits": abuse.pow_bits(), "accept": uploads.ACCEPT, "limits": limits}
        blank = render_to_string("portal/report.html", {**context, "csrf_token": _CSRF_SLOT})
        cached = (time.monotonic() + _BLANK_TTL, str(blank))
        _blank_pages[key] = cached
    page = cached[1].replace(_CSRF_SLOT, get_token(request)).replace(_CHALLENGE_SLOT, abuse.new_challenge())
    return HttpResponse(page)


@require_GET
@public
def index(request: HttpRequest) -> HttpResponse:
    """Landing page: report, or follow up on a report."""
    return render(request, "portal/index.html")


@require_http_methods(["GET", "POST"])
@public
def report(request: HttpRequest) -> HttpResponse:
    """The report form; on POST one transaction registers the clue and issues the receipt."""
    if request.method == "GET":
        return _blank_report_page(request)
    try:
        parse(request)
    except Malformed as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
    form = ReportForm(request.POST)
    try:
        nonce = guard(request, "submit")
        if not form.is_valid():
            raise ActionError("invalid", _("请按提示修改后重新提交。"))
        clean_files = uploads.check_files(request.FILES.getlist("attachments"))
        code, passphrase = _site().submit(
            form.payload(), form.cleaned_data.get("passphrase", ""), clean_files, nonce
        )
    except ActionError as exc:
        status = exc.status if exc.status != 404 else 400
        ctx = _context(form, error=exc.message, limits=_limits())
        return render(request, "portal/report.html", ctx, status=status)
    # Post/redirect/get: the receipt is shown by a GET (a reload never re-posts). It crosses the redirect
    # sealed (AES-GCM, the identity key) in the session and is popped on first display: nothing of it is
    # stored in plain text, and a second look finds nothing.
    request.session[SESSION_NEW_RECEIPT] = sealing.seal(
        {
            "code": credentials.format_code(code),
            "passphrase": passphrase,
            "chosen": bool(form.cleaned_data.get("passphrase")),
        },
        aad=RECEIPT_AAD,
    )
    return redirect("portal:receipt")


@require_GET
@public
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt, once: shown from the sealed copy the submission left in the session, which is removed."""
    sealed = request.session.pop(SESSION_NEW_RECEIPT, None)
    shown: dict[str, Any] = {}
    if sealed:
        try:
            shown = sealing.open_sealed(sealed, aad=RECEIPT_AAD)
        except sealing.SealError:
            shown = {}
    return render(request, "portal/receipt.html", {**shown, "gone": not shown})


def _limits() -> dict[str, int]:
    return {
        "max_files": uploads.max_files(),
        "file_mb": uploads.max_file_bytes() // (1024 * 1024),
        "total_mb": uploads.max_total_bytes() // (1024 * 1024),
    }


@require_http_methods(["GET", "POST"])
@public
def followup(request: HttpRequest) -> HttpResponse:
    """Receipt code + passphrase; every failure gives the same answer whether the receipt exists or not."""
    if request.method == "GET":
        return render(request, "portal/followup.html", _context(FollowupForm()))
    try:
        parse(request)
    except Malformed as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
    form = FollowupForm(request.POST)
    try:
        abuse.spend_challenge(guard(request, "open"))
        if not form.is_valid():
            raise ActionError("invalid", _("请填写回执码和查询密码。"))
        code = credentials.normalise_code(form.cleaned_data["code"])
        # Counted per code too (existing or not alike), so one receipt cannot be guessed at from many clients.
        abuse.hit("open_code", code)
        cookies = _site().open_report(request, code, form.cleaned_data["passphrase"])
        if cookies is None:
            raise ActionError("bad_credentials", _("回执码或查询密码不正确。"))
    except ActionError as exc:
        status = exc.status if exc.status == 429 else 400
        return render(
            request, "portal/followup.html", _context(FollowupForm(), error=exc.message), status=status
        )
    response = redirect("portal:thread")
    for name, value in cookies.items():
        # The reporter's key lives only in the browser: gone when the browser closes or "退出查询" is pressed.
        response.set_cookie(
            name, value, httponly=True, samesite="Strict", secure=not settings.DEBUG, path="/report/"
        )
    return response


@require_GET
@public
def thread(request: HttpRequest) -> HttpResponse:
    """The report's public status, the released outcome and the message thread."""
    context = _site().thread(request)
    if context is None:
        return redirect("portal:followup")
    return render(request, "portal/thread.html", _thread_context(context, MessageForm()))


def _thread_context(context: dict[str, Any], form: MessageForm, **extra: Any) -> dict[str, Any]:
    _fresh_challenge(form)
    return {
        **context,
        "pow_bits": abuse.pow_bits(),
        "form": form,
        "accept": uploads.ACCEPT,
        "limits": _limits(),
        **extra,
    }


@require_POST
@public
def add_message(request: HttpRequest) -> HttpResponse:
    """The reporter adds information or files to their report."""
    context = _site().thread(request)
    if context is None:
        return redirect("portal:followup")
    try:
        parse(request)
    except Malformed as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
    form = MessageForm(request.POST)
    try:
        nonce = guard(request, "message")
        with transaction.atomic():  # a replayed nonce fails alone, not the request's connection
            abuse.spend_challenge(nonce)
        if not form.is_valid():
            raise ActionError("invalid", _("补充内容过长。"))
        clean_files = uploads.check_files(request.FILES.getlist("attachments"))
        if not _site().add_message(request, form.cleaned_data["body"], clean_files):
            return redirect("portal:followup")
    except ActionError as exc:
        ctx = _thread_context(context, form, error=exc.message)
        return render(request, "portal/thread.html", ctx, status=exc.status if exc.status != 404 else 400)
    return redirect("portal:thread")


@require_POST
@public
def close(request: HttpRequest) -> HttpResponse:
    """Leave the follow-up page (forget the opened report in this browser)."""
    _site().close(request)
    response = redirect("portal:index")
    response.delete_cookie(KEY_COOKIE, path="/report/", samesite="Strict")
    return response

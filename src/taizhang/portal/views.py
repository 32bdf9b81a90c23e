"""Public pages under /report/: no login, nothing changes on GET, and no network detail is stored.

Each POST runs the same guard first: refuse oversize or malformed bodies before parsing, count the request
against the per-client and total limits, check the honeypot and the proof-of-work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

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
from taizhang.portal import abuse, actions, credentials, uploads
from taizhang.portal.choices import Sender, public_status
from taizhang.portal.forms import FollowupForm, MessageForm, ReportForm
from taizhang.portal.models import Message, Receipt

SESSION_RECEIPT = "portal_receipt"
SESSION_SEEN = "portal_seen"
SESSION_NEW_RECEIPT = "portal_new_receipt"
RECEIPT_AAD = b"portal-receipt"


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


def _parse(request: HttpRequest) -> None:
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


def _guard(request: HttpRequest, bucket: str, form: Any) -> str:
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
        _parse(request)
    except Malformed as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
    form = ReportForm(request.POST)
    try:
        nonce = _guard(request, "submit", form)
        if not form.is_valid():
            raise ActionError("invalid", _("请按提示修改后重新提交。"))
        clean_files = uploads.check_files(request.FILES.getlist("attachments"))
        passphrase, hashed = actions.prepare_passphrase(form.cleaned_data.get("passphrase", ""))
        issued = actions.do_submit_report(
            form.submission(),
            passphrase=passphrase,
            passphrase_hash=hashed,
            attachments=clean_files,
            challenge_nonce=nonce,
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
            "code": credentials.format_code(issued.code),
            "passphrase": issued.passphrase,
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
        _parse(request)
    except Malformed as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
    form = FollowupForm(request.POST)
    try:
        abuse.spend_challenge(_guard(request, "open", form))
        if not form.is_valid():
            raise ActionError("invalid", _("请填写回执码和查询密码。"))
        code = credentials.normalise_code(form.cleaned_data["code"])
        # Counted per code too (existing or not alike), so one receipt cannot be guessed at from many clients.
        abuse.hit("open_code", code)
        receipt = actions.find_receipt(code, form.cleaned_data["passphrase"])
        if receipt is None:
            raise ActionError("bad_credentials", _("回执码或查询密码不正确。"))
    except ActionError as exc:
        status = exc.status if exc.status == 429 else 400
        return render(
            request, "portal/followup.html", _context(FollowupForm(), error=exc.message), status=status
        )
    request.session.cycle_key()
    request.session[SESSION_RECEIPT] = receipt.pk
    request.session[SESSION_SEEN] = int(time.time())
    return redirect("portal:thread")


def _opened_receipt(request: HttpRequest) -> Receipt | None:
    receipt_id = request.session.get(SESSION_RECEIPT)
    seen = int(request.session.get(SESSION_SEEN) or 0)
    if not receipt_id or time.time() - seen > actions.opened_at_limit().total_seconds():
        request.session.pop(SESSION_RECEIPT, None)
        return None
    request.session[SESSION_SEEN] = int(time.time())
    return Receipt.objects.select_related("clue").filter(pk=receipt_id).first()


@require_GET
@public
def thread(request: HttpRequest) -> HttpResponse:
    """The report's public status, the released outcome and the message thread."""
    receipt = _opened_receipt(request)
    if receipt is None:
        return redirect("portal:followup")
    return render(request, "portal/thread.html", _thread_context(receipt, MessageForm()))


def _thread_context(receipt: Receipt, form: MessageForm, **extra: Any) -> dict[str, Any]:
    clue = receipt.clue
    status = public_status(clue.status)
    _fresh_challenge(form)
    return {
        "pow_bits": abuse.pow_bits(),
        "receipt": receipt,
        "status": status,
        "received_at": clue.received_at,
        "summary": clue.summary,
        "messages": Message.objects.filter(clue=clue).prefetch_related("files__attachment"),
        "reporter": Sender.REPORTER,
        "form": form,
        "accept": uploads.ACCEPT,
        "limits": _limits(),
        **extra,
    }


@require_POST
@public
def add_message(request: HttpRequest) -> HttpResponse:
    """The reporter adds information or files to their report."""
    receipt = _opened_receipt(request)
    if receipt is None:
        return redirect("portal:followup")
    try:
        _parse(request)
    except Malformed as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
    form = MessageForm(request.POST)
    try:
        nonce = _guard(request, "message", form)
        with transaction.atomic():  # a replayed nonce fails alone, not the request's connection
            abuse.spend_challenge(nonce)
        if not form.is_valid():
            raise ActionError("invalid", _("补充内容过长。"))
        clean_files = uploads.check_files(request.FILES.getlist("attachments"))
        actions.do_add_reporter_message(receipt.pk, body=form.cleaned_data["body"], attachments=clean_files)
    except ActionError as exc:
        ctx = _thread_context(receipt, form, error=exc.message)
        return render(request, "portal/thread.html", ctx, status=exc.status if exc.status != 404 else 400)
    return redirect("portal:thread")


@require_POST
@public
def close(request: HttpRequest) -> HttpResponse:
    """Leave the follow-up page (forget the opened receipt in this browser)."""
    request.session.pop(SESSION_RECEIPT, None)
    request.session.pop(SESSION_SEEN, None)
    return redirect("portal:index")

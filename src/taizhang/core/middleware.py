"""Middleware: a request id for the audit log, and the security headers every response carries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from taizhang.core.context import reset_request_id, set_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{8,32}$")

# No inline scripts or styles anywhere: every script and stylesheet is a file under /static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestIdMiddleware:
    """Gives every request an id (kept from a sane X-Request-ID) that audit rows and the response carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Adds CSP, permissions and cross-origin headers that Django 5.2 does not set by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(response, "csp_override", None) or CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not settings.DEBUG:
            response.setdefault("Cache-Control", "no-store")
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the person chose another language (cookie); the browser's Accept-Language is
    ignored on purpose: the office works in Simplified Chinese whatever the machine's locale."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _fields(data: Any) -> Iterator[tuple[str, str]]:
    for name, values in data.lists():
        for value in values:
            yield name, value


class RejectNulMiddleware:
    """Refuse a request whose parameters carry a NUL character: PostgreSQL cannot store or compare one, so it
    would otherwise surface as a server error deep in a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from urllib.parse import unquote_to_bytes

        query = unquote_to_bytes(request.META.get("QUERY_STRING", ""))
        content_type = request.META.get("CONTENT_TYPE", "")
        body = b""
        if content_type.startswith(("application/json", "application/x-www-form-urlencoded")):
            body = request.body
        nul = b"\x00" in query or b"%00" in body or b"\x00" in body or b"\\u0000" in body
        if not nul and content_type.startswith("multipart/form-data"):
            # A form with a file field posts multipart: its text fields are checked once parsed (CSRF parses
            # them right after anyway); the files' contents are the upload checks' business (core/uploads.py).
            nul = any("\x00" in name or "\x00" in value for name, value in _fields(request.POST))
        if nul:
            message = translation.gettext("请求包含非法字符（NUL），已拒绝。")
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"code": "invalid_input", "message": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ErrorPagesMiddleware:
    """The Chinese error pages (core/errorpages.error_page) also under DEBUG, where Django would answer a 404
    with its English technical page listing every URL pattern (the portal's citizens included).

    A view's Http404/PermissionDenied (and under DEBUG any error) becomes the page here; a path nothing serves (no resolver match) is
    replaced after the fact. Sits before CommonMiddleware so the slash redirect still happens first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            from taizhang.core.errorpages import error_page

            return error_page(request, 404)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from taizhang.core.errorpages import error_page

        if isinstance(exception, Http404):
            return error_page(request, 404)
        if isinstance(exception, PermissionDenied):
            return error_page(request, 403)
        if settings.DEBUG:
            # Without DEBUG Django logs it and answers through handler500; under DEBUG it would show its
            # traceback page (to a citizen too): log it the same way and answer with the Chinese page.
            import logging

            from django.core.signals import got_request_exception

            logging.getLogger("django.request").error(
                "Internal Server Error: %s", request.path, exc_info=exception
            )
            got_request_exception.send(sender=None, request=request)
            return error_page(request, 500)
        return None

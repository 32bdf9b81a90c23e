"""The JSON API root: every app's router under /api/, token or session auth, structured errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from taizhang.accounts.auth import staff_auth
from taizhang.core.discovery import hooks
from taizhang.core.errors import ActionError


def _staff_only_in_production(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """In production the API's description (docs page and OpenAPI schema) is for signed-in staff only: it maps
    every operation and parameter, which an anonymous visitor has no need to know. Development serves it open."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEBUG and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="Taizhang API",
    version="1",
    description="台账 — 线索、案件、督办、整改与报送的接口。所有接口按使用者的单位和角色过滤可见范围。",
    auth=staff_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=_staff_only_in_production,
)


def _error(request: HttpRequest, status: int, code: str, message: str, detail: object = None) -> HttpResponse:
    body: dict[str, object] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    return api.create_response(request, body, status=status)


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid_input", _("提交的数据不符合要求。"), exc.errors)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 422, "invalid_input", _("提交的数据不符合要求。"), exc.messages)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("请先登录或提供有效的接口令牌。"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("记录不存在或您无权查看。"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("taizhang.api").exception("unhandled API error", exc_info=exc)
    return _error(request, 500, "server_error", _("服务器内部错误，已记录。请稍后重试。"))


@runtime_checkable
class ApiHook(Protocol):
    """`<app>/api.py`: the app's django-ninja router, mounted at `/api/<app>/`."""

    __name__: str
    router: Router


def _register_routers() -> None:
    for module in hooks("api", ApiHook):
        prefix = module.__name__.split(".")[1]
        api.add_router(f"/{prefix}/", module.router)


_register_routers()

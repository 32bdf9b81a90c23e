"""Helpers shared by the supervision views: run an action and show its refusal as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError, NotVisible


def run(request: HttpRequest, call: Callable[[], Any], *, ok: str, back: str) -> HttpResponse:
    """Call an action; on success say `ok` and go to `back`, on refusal show the Chinese message (404 stays 404)."""
    try:
        call()
    except NotVisible:
        from django.http import Http404

        raise Http404 from None
    except ActionError as exc:
        refuse(request, exc.message)
        return redirect(back)
    messages.success(request, ok)
    return redirect(back)


def form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        refuse(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))

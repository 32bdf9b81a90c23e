"""What every clue view shares: loading a visible clue (404 otherwise) and answering an ActionError."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from taizhang.clues.models import Clue
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError


def visible_clue(request: HttpRequest, pk: int) -> Clue:
    """The clue if the person may see it; missing and forbidden are the same 404."""
    qs = Clue.objects.visible_one(request.user, pk).select_related(
        "office", "sector", "responsible_unit", "responsible_person", "reporter"
    )
    return get_object_or_404(qs)


def show_error(request: HttpRequest, exc: ActionError) -> None:
    """Put a refused action's Chinese message (and what changed, for a conflict) on the page."""
    changes = (exc.detail or {}).get("changes") if isinstance(exc.detail, dict) else None
    text = exc.message
    if changes:
        text += " " + "；".join(f"{k}：{v}" for k, v in changes.items())
    refuse(request, text)


def back_to(clue_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("clues:detail", pk=clue_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response

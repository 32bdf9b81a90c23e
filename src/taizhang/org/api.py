"""Units and the signed-in person, for API clients."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from taizhang.org.models import Unit

router = Router(tags=["org"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    unit: UnitOut | None
    roles: list[str]


@router.get("/units", response=list[UnitOut], summary="可见单位")
def list_units(request: HttpRequest) -> list[Unit]:
    return list(Unit.objects.visible_to(request.user).order_by("path"))


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": getattr(user, "display_name", ""),
        "unit": user.unit,  # type: ignore[union-attr]
        "roles": sorted(user.role_codes()),  # type: ignore[union-attr]
    }

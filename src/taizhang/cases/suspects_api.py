"""JSON API of a case's suspects (mounted on the cases router): read with the case, add as the page does."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from taizhang.cases import suspects
from taizhang.cases.choices import GroupRole, SuspectStatus
from taizhang.cases.followup_api import _case, _enum
from taizhang.cases.models import CaseSuspect
from taizhang.org.actors import acting


class SuspectIn(Schema):
    name: str = Field(max_length=40)
    id_fragment: str = Field("", max_length=20)
    phone_fragment: str = Field("", max_length=20)
    group_role: str = Field(pattern=_enum(GroupRole.values))
    status: str = Field(pattern=_enum(SuspectStatus.values))


class SuspectOut(Schema):
    id: int
    name: str
    id_fragment: str
    phone_fragment: str
    group_role: str
    status: str
    version: int


def mount(router: Router) -> None:
    """Add the suspects' routes to the cases router."""

    @router.get("/cases/{case_id}/suspects", response=list[SuspectOut], summary="犯罪嫌疑人")
    def read_suspects(request: HttpRequest, case_id: int) -> list[CaseSuspect]:
        return list(_case(request, case_id).suspects.order_by("id"))

    @router.post("/cases/{case_id}/suspects", response={201: SuspectOut}, summary="登记犯罪嫌疑人")
    def add_suspect(request: HttpRequest, case_id: int, payload: SuspectIn) -> Status[Any]:
        row = suspects.do_add_suspect(_case(request, case_id).pk, actor=acting(request), **payload.dict())
        return Status(201, row)

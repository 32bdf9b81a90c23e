"""JSON API of cases: the list with the page's filters, one case with its stages, and the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.responses import Status

from taizhang.cases import actions, filters, followup_api, suspects_api
from taizhang.cases.models import Case
from taizhang.org.actors import acting
from taizhang.org.models import Sector, Unit

router = Router(tags=["cases"])


class StageEventOut(Schema):
    stage: str
    occurred_on: dt.date
    judged_on: dt.date | None
    persons: int
    note: str


class CaseOut(Schema):
    id: int
    number: str
    name: str
    org_type: str
    office_id: int
    sector_id: int | None
    stage: str
    stage_on: dt.date | None
    status: str
    screening: str
    persons_caught: int
    fugitives_caught: int
    fugitives_at_large: int
    assets_seized: Decimal
    assets_frozen: Decimal
    assets_confiscated: Decimal
    version: int


class CaseDetailOut(CaseOut):
    brief: str
    handling_unit_ids: list[int]
    events: list[StageEventOut]


class CaseFilters(Schema):
    q: str | None = None
    org_type: str | None = None
    stage: str | None = None
    status: str | None = None
    screening: str | None = None
    sector: int | None = None
    within: int | None = None
    event: str | None = None
    judged: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    offset: int = 0
    limit: int = 50


class CaseIn(Schema):
    office_id: int
    name: str
    org_type: str
    handling_unit_ids: list[int] = []
    clue_ids: list[int] = []
    sector_id: int | None = None
    brief: str = ""
    persons_caught: int = 0
    fugitives_caught: int = 0
    fugitives_at_large: int = 0
    assets_seized: Decimal = Decimal(0)
    assets_frozen: Decimal = Decimal(0)
    assets_confiscated: Decimal = Decimal(0)


class CaseEditIn(Schema):
    version: int
    name: str | None = None
    org_type: str | None = None
    brief: str | None = None
    persons_caught: int | None = None
    fugitives_caught: int | None = None
    fugitives_at_large: int | None = None
    assets_seized: Decimal | None = None
    assets_frozen: Decimal | None = None
    assets_confiscated: Decimal | None = None


class StageIn(Schema):
    stage: str
    occurred_on: dt.date
    persons: int = 0
    judged_on: dt.date | None = None
    note: str = ""


class ScreenIn(Schema):
    result: str
    note: str = ""


class NoteIn(Schema):
    note: str = ""


def _detail(case: Case) -> dict[str, Any]:
    data = CaseOut.from_orm(case).dict()
    data["brief"] = case.brief
    data["handling_unit_ids"] = sorted(case.handling_units.values_list("pk", flat=True))
    data["events"] = list(case.events.all())
    return data


def _get(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)


@router.get("/cases", response=list[CaseOut], summary="案件列表（与页面相同的筛选条件）")
def list_cases(request: HttpRequest, f: Query[CaseFilters]) -> list[Case]:
    params = f.dict()
    params["from"], params["to"] = params.pop("date_from"), params.pop("date_to")
    params = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items() if v is not None}
    qs = filters.apply(Case.objects.visible_to(request.user), params).order_by("-created_at", "-id")
    limit = max(1, min(f.limit, 200))
    return list(qs[f.offset : f.offset + limit])


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="案件详情")
def read_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _detail(_get(request, case_id))


@router.post("/cases", response={201: CaseDetailOut}, summary="登记案件")
def register_case(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    from taizhang.clues.models import Clue

    data = payload.dict()
    office = get_object_or_404(Unit, pk=data.pop("office_id"))
    units = list(Unit.objects.filter(pk__in=data.pop("handling_unit_ids")))
    clues = list(Clue.objects.visible_to(request.user).filter(pk__in=data.pop("clue_ids")))
    sector_id = data.pop("sector_id")
    sector = get_object_or_404(Sector, pk=sector_id) if sector_id else None
    case = actions.do_register_case(
        actor=acting(request), office=office, handling_units=units, clues=clues, sector=sector, **data
    )
    return Status(201, _detail(case))


@router.patch("/cases/{case_id}", response=CaseDetailOut, summary="修改案件（须带版本号）")
def edit_case(request: HttpRequest, case_id: int, payload: CaseEditIn) -> dict[str, Any]:
    data = {k: v for k, v in payload.dict().items() if v is not None}
    version = data.pop("version")
    case = actions.do_edit_case(_get(request, case_id).pk, actor=acting(request), version=version, **data)
    return _detail(case)


@router.post("/cases/{case_id}/stages", response={201: StageEventOut}, summary="登记诉讼阶段")
def record_stage(request: HttpRequest, case_id: int, payload: StageIn) -> Status[Any]:
    event = actions.do_record_case_stage(_get(request, case_id).pk, actor=acting(request), **payload.dict())
    return Status(201, event)


@router.post("/cases/{case_id}/screening", response=CaseDetailOut, summary="逐案过筛")
def screen_case(request: HttpRequest, case_id: int, payload: ScreenIn) -> dict[str, Any]:
    case = actions.do_screen_case(_get(request, case_id).pk, actor=acting(request), **payload.dict())
    return _detail(case)


@router.post("/cases/{case_id}/conclude", response=CaseDetailOut, summary="办结案件")
def conclude_case(request: HttpRequest, case_id: int, payload: NoteIn) -> dict[str, Any]:
    case = actions.do_conclude_case(_get(request, case_id).pk, actor=acting(request), note=payload.note)
    return _detail(case)


followup_api.mount(router)
suspects_api.mount(router)

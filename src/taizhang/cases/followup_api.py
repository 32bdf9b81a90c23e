"""JSON API of 一案三查 and the seized-assets ledger (mounted on the cases router)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from taizhang.cases import followup
from taizhang.cases import permissions as perm
from taizhang.cases.checks import ensure_checks
from taizhang.cases.choices import AssetKind, AssetMeasure, CheckKind, Disposal, Measure
from taizhang.cases.models import Accountability, AssetItem, Case
from taizhang.core import audit
from taizhang.org.actors import acting
from taizhang.org.models import Unit


def _enum(values: list[str]) -> str:
    return "^(" + "|".join(values) + ")$"


class CheckOut(Schema):
    kind: str
    status: str
    unit_id: int | None
    failures_found: bool
    finding: str
    concluded_at: dt.datetime | None


class CheckIn(Schema):
    finding: str = Field(max_length=5000)
    failures_found: bool = False


class AccountabilityIn(Schema):
    person_name: str = Field(max_length=40)
    post: str = Field(max_length=80)
    unit_name: str = Field(max_length=120)
    measure: str = Field(pattern=_enum(Measure.values))
    decided_on: dt.date
    note: str = Field("", max_length=2000)


class AccountabilityOut(Schema):
    id: int
    person_name: str
    post: str
    unit_name: str
    measure: str
    decided_on: dt.date


class AssetIn(Schema):
    kind: str = Field(pattern=_enum(AssetKind.values))
    description: str = Field(max_length=200)
    value: str = Field(max_length=40, description="金额：3000、72.5万、1.2亿")
    measure: str = Field(pattern=_enum(AssetMeasure.values))
    custodian_id: int
    measured_on: dt.date


class AssetOut(Schema):
    id: int
    kind: str
    description: str
    value: Decimal
    measure: str
    custodian_id: int
    measured_on: dt.date
    status: str
    disposal: str
    responsible: str
    dispose_by: dt.date | None
    disposed_amount: Decimal
    version: int


class PlanIn(Schema):
    disposal: str = Field(pattern=_enum(Disposal.values))
    responsible: str = Field(max_length=40)
    dispose_by: dt.date | None = None
    version: int | None = None


class DisposalIn(Schema):
    amount: str = Field(max_length=40)
    disposed_on: dt.date
    complete: bool = False
    note: str = Field("", max_length=2000)


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user).select_related("office"), pk=case_id)


def _checks(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    umbrella = perm.sees_umbrella_part(request.user, case)
    out = []
    for check in ensure_checks(case):
        data = CheckOut.from_orm(check).dict()
        if check.kind != CheckKind.CRIME and not umbrella:
            data["finding"], data["failures_found"] = "", False
        out.append(data)
    return out


def mount(router: Router) -> None:
    """Add the follow-up routes to the cases router."""

    @router.get("/cases/{case_id}/checks", response=list[CheckOut], summary="一案三查")
    def read_checks(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
        return _checks(request, _case(request, case_id))

    @router.post("/cases/{case_id}/checks/{kind}/conclude", response=list[CheckOut], summary="查结一项核查")
    def conclude_check(
        request: HttpRequest, case_id: int, kind: str, payload: CheckIn
    ) -> list[dict[str, Any]]:
        case = _case(request, case_id)
        followup.do_conclude_check(case.pk, actor=acting(request), kind=kind, **payload.dict())
        return _checks(request, case)

    @router.get("/cases/{case_id}/accountability", response=list[AccountabilityOut], summary="问责记录")
    def read_accountability(request: HttpRequest, case_id: int) -> list[Accountability]:
        case = _case(request, case_id)
        rows = list(Accountability.objects.visible_to(request.user).filter(check_row__case=case))
        if rows:
            audit.record("case.accountability_read", actor=request.user, obj=case, after={"rows": len(rows)})
        return rows

    @router.post("/cases/{case_id}/accountability", response={201: AccountabilityOut}, summary="录入问责记录")
    def add_accountability(request: HttpRequest, case_id: int, payload: AccountabilityIn) -> Status[Any]:
        row = followup.do_record_accountability(
            _case(request, case_id).pk, actor=acting(request), **payload.dict()
        )
        return Status(201, row)

    @router.get("/cases/{case_id}/assets", response=list[AssetOut], summary="涉案财产")
    def read_assets(request: HttpRequest, case_id: int) -> list[AssetItem]:
        return list(_case(request, case_id).assets.order_by("id"))

    @router.post("/cases/{case_id}/assets", response={201: AssetOut}, summary="登记涉案财产")
    def add_asset(request: HttpRequest, case_id: int, payload: AssetIn) -> Status[Any]:
        data = payload.dict()
        custodian = get_object_or_404(Unit, pk=data.pop("custodian_id"))
        item = followup.do_add_asset(
            _case(request, case_id).pk, actor=acting(request), custodian=custodian, **data
        )
        return Status(201, item)

    @router.post("/cases/{case_id}/assets/{item_id}/plan", response=AssetOut, summary="制定财产处置方案")
    def plan_asset(request: HttpRequest, case_id: int, item_id: int, payload: PlanIn) -> AssetItem:
        return followup.do_plan_disposal(
            _case(request, case_id).pk, actor=acting(request), item_id=item_id, **payload.dict()
        )

    @router.post("/cases/{case_id}/assets/{item_id}/disposals", response=AssetOut, summary="登记财产处置")
    def dispose_asset(request: HttpRequest, case_id: int, item_id: int, payload: DisposalIn) -> AssetItem:
        case = _case(request, case_id)
        followup.do_record_disposal(case.pk, actor=acting(request), item_id=item_id, **payload.dict())
        return AssetItem.objects.get(pk=item_id)

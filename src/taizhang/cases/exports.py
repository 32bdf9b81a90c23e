"""Case export (.xlsx, "export what I see"): the list's filters over the visible cases, one row per case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases.choices import CaseStage
from taizhang.cases.models import CaseQuerySet
from taizhang.core.xlsx import xlsx_response

# The stages shown as columns, each "date / persons".
STAGE_COLUMNS = [s for s in CaseStage.values if s != CaseStage.REGISTERED]


def case_rows(qs: CaseQuerySet) -> Iterable[list[Any]]:
    for case in (
        qs.select_related("office", "sector").prefetch_related("handling_units", "events").order_by("id")
    ):
        by_stage = {e.stage: e for e in case.events.all()}
        stages: list[Any] = []
        for stage in STAGE_COLUMNS:
            event = by_stage.get(stage)
            stages += [event.occurred_on if event else None, event.persons if event else None]
        yield [
            case.number,
            case.name,
            case.get_org_type_display(),
            case.office.name,
            "、".join(u.label for u in case.handling_units.all()),
            case.sector.name if case.sector else "",
            case.get_stage_display(),
            case.get_status_display(),
            case.get_screening_display(),
            case.persons_caught,
            case.fugitives_caught,
            case.fugitives_at_large,
            float(case.assets_seized),
            float(case.assets_frozen),
            float(case.assets_confiscated),
            *stages,
        ]


def cases_response(qs: CaseQuerySet) -> HttpResponse:
    headers = [
        _("案件编号"),
        _("案件名称"),
        _("组织类型"),
        _("主管扫黑办"),
        _("承办单位"),
        _("行业领域"),
        _("当前阶段"),
        _("办理状态"),
        _("逐案过筛"),
        _("抓获人数"),
        _("缉拿逃犯人数"),
        _("在逃人数"),
        _("查封扣押资产（元）"),
        _("冻结资产（元）"),
        _("没收资产（元）"),
    ]
    for stage in STAGE_COLUMNS:
        label = str(CaseStage(stage).label)
        headers += [_("%(s)s日期") % {"s": label}, _("%(s)s人数") % {"s": label}]
    name = _("案件台账") + timezone.localdate().strftime("%Y%m%d") + ".xlsx"
    return xlsx_response(name, _("案件台账"), headers, case_rows(qs))

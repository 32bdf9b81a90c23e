"""Cases built with the real actions for the standard world."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.cases import actions
from taizhang.cases.choices import CaseStage, OrgType

PATH = [
    CaseStage.INVESTIGATION,
    CaseStage.ARREST,
    CaseStage.PROSECUTION,
    CaseStage.FIRST_INSTANCE,
    CaseStage.EFFECTIVE,
    CaseStage.EXECUTION,
]


class CaseMaker:
    """Registers cases and walks them along their stages."""

    def __init__(self, world):
        self.w = world

    def register(
        self, name="张某某等人涉黑案", org_type=OrgType.MAFIA, units=("police",), office="city", **kw
    ):
        actor = self.w.people["office_staff" if office == "city" else "district_staff"]
        return actions.do_register_case(
            actor=actor,
            office=self.w.units[office],
            name=name,
            org_type=org_type,
            handling_units=[self.w.units[u] for u in units],
            **kw,
        )

    def at(self, stage, *, start=None, persons=5, **kw):
        case = self.register(**kw)
        day = start or timezone.localdate() - dt.timedelta(days=60)
        for step in PATH:
            actions.do_record_case_stage(
                case.pk, actor=self.w.people["office_staff"], stage=step, occurred_on=day, persons=persons
            )
            if step == stage:
                break
            day += dt.timedelta(days=5)
        case.refresh_from_db()
        return case

    def conclude_checks(self, case):
        """一案三查 concluded: the crime by the office, the 保护伞 and responsibility checks by the commission."""
        from taizhang.cases import followup
        from taizhang.cases.choices import CheckKind

        followup.do_conclude_check(
            case.pk, actor=self.w.people["office_staff"], kind=CheckKind.CRIME, finding="已判决生效"
        )
        for kind in (CheckKind.UMBRELLA, CheckKind.RESPONSIBILITY):
            followup.do_conclude_check(
                case.pk, actor=self.w.people["discipline_handler"], kind=kind, finding="未发现问题"
            )


@pytest.fixture
def cases(world):
    return CaseMaker(world)

"""Cases and rectification measures through search (run once those apps are on the branch)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from taizhang.search.query import search


def _has(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


pytestmark = pytest.mark.django_db


def _ids(user, q, model):
    return [h.object_id for g in search(user, q, models=[model]) for h in g.hits]


@pytest.mark.skipif(not _has("cases.Case"), reason="the cases app has not landed on this branch")
def test_cases_are_found_within_visibility(world, django_capture_on_commit_callbacks):
    from taizhang.cases import actions
    from taizhang.cases.choices import OrgType

    with django_capture_on_commit_callbacks(execute=True):
        case = actions.do_register_case(
            actor=world.people["office_staff"],
            office=world.units["city"],
            name="王某某等人涉黑組織案",
            org_type=OrgType.MAFIA,
            handling_units=[world.units["police"]],
            brief="长期垄断城东渣土运输。",
        )
    assert _ids(world.people["office_staff"], "组织", "cases.case") == [case.pk]
    assert _ids(world.people["police_liaison"], "渣土", "cases.case") == [case.pk]
    assert _ids(world.people["other_liaison"], "渣土", "cases.case") == []


@pytest.mark.skipif(not _has("rectification.Measure"), reason="rectification has not landed on this branch")
def test_measures_are_found_within_visibility(world, django_capture_on_commit_callbacks):
    from taizhang.rectification import actions
    from taizhang.rectification.choices import ListSource
    from taizhang.rectification.models import Measure

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_create_problem_list(
            actor=world.people["office_staff"],
            title="督导组反馈问题清单",
            source=ListSource.INSPECTION_TEAM,
            office=world.units["city"],
            rows=[
                actions.MeasureData(
                    problem="砂石市场监管缺位",
                    description="开展砂石市场专项整治",
                    deadline=dt.date.today() + dt.timedelta(days=30),
                    units=[world.units["transport"]],
                )
            ],
        )
    measure = Measure.objects.get()
    assert _ids(world.people["office_staff"], "砂石", "rectification.measure") == [measure.pk]
    assert _ids(world.people["liaison"], "砂石", "rectification.measure") == [measure.pk]
    assert _ids(world.people["other_liaison"], "砂石", "rectification.measure") == []
    call_command("search", "rebuild", "--no-progress")
    assert _ids(world.people["liaison"], "整治", "rectification.measure") == [measure.pk]

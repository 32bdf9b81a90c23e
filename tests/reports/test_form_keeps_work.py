"""The monthly report form: a refused save keeps every value typed and names the field; numbers are read as
people write them; every draft says who acts next and sits on that person's to-do list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from taizhang.pure.numbers import parse_number
from taizhang.reports import actions
from taizhang.reports.models import Indicator, ReportType, ReportValue
from taizhang.reports.periods import Period
from taizhang.supervision.worklist import todos_for


def _draft(world):
    # A second entered figure beside 召开专题会议 (开展宣传活动 is computed from the activities recorded).
    visits, _created = Indicator.objects.get_or_create(
        code="work.visits",
        defaults={"name": "走访企业", "unit_label": "家", "kind": "entered", "sort_order": 99},
    )
    monthly = ReportType.objects.get(code="monthly")
    monthly.indicators.add(visits)
    return actions.do_open_report(
        actor=world.people["liaison"],
        report_type=monthly,
        unit=world.units["transport"],
        period=Period.parse("month", "2026-03"),
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("一次", 1),
        ("3次", 3),
        ("1,200", 1200),
        ("１２", 12),
        ("十二", 12),
        ("两场", 2),
        ("7", 7),
        ("2.5", 2.5),
    ],
)
def test_numbers_as_people_type_them(typed, meant):
    assert parse_number(typed) == Decimal(str(meant))


@pytest.mark.parametrize("typed", ["abc", "三到五次", "", "-"])
def test_what_is_not_a_number(typed):
    assert parse_number(typed) is None


@pytest.mark.django_db
def test_a_refused_save_keeps_every_typed_value_and_names_the_field(world):
    report = _draft(world)
    client = world.client_for("liaison")
    response = client.post(
        f"/reports/{report.pk}/save/",
        {
            "version": report.version,
            "narrative": "本月开展行业乱象排查，走访企业十二家。",
            "v:work.meetings": "好几次",
            "v:work.visits": "3",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "召开专题会议" in html.split('role="alert"')[1].split("</div>")[0]  # the message names the field
    assert "本月开展行业乱象排查，走访企业十二家。" in html
    assert 'value="好几次"' in html and 'value="3"' in html
    assert "is-invalid" in html
    assert not ReportValue.objects.filter(report=report).exists()  # nothing half-saved


@pytest.mark.django_db
def test_chinese_and_formatted_numbers_save(world):
    report = _draft(world)
    response = world.client_for("liaison").post(
        f"/reports/{report.pk}/save/",
        {
            "version": report.version,
            "narrative": "x",
            "v:work.meetings": "一次",
            "v:work.visits": "1,200",
        },
    )
    assert response.status_code == 302
    values = {v.indicator.code: v.value for v in ReportValue.objects.filter(report=report)}
    assert values == {"work.meetings": 1, "work.visits": 1200}


@pytest.mark.django_db
def test_a_draft_says_who_acts_next_and_reaches_the_leaders_todo(world):
    report = _draft(world)
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="草稿")
    page = world.client_for("liaison").get(f"/reports/{report.pk}/").content.decode()
    assert "单位负责人" in page and "报送" in page
    leader_todos = [t for t in todos_for(world.people["unit_leader"]) if t.url == f"/reports/{report.pk}/"]
    assert leader_todos and leader_todos[0].detail == "待您审核报送"
    home = world.client_for("unit_leader").get("/").content.decode()
    assert report.title in home and "暂无待报送事项" not in home

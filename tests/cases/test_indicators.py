"""Every indicator figure equals the count (and persons) of the drill-down list it links to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.cases import actions
from taizhang.cases.choices import CaseStage, OrgType
from taizhang.cases.indicators import INDICATORS

# The outcome depends on the date: run at a stated clock, and at every moment of `make test-dates`.
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def _period():
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=40), dt.time()))
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    return start, end


@pytest.fixture
def stocked(world, cases):
    today = timezone.localdate()
    inside = today - dt.timedelta(days=30)
    cases.at(CaseStage.EXECUTION, start=inside, persons=7, org_type=OrgType.MAFIA)
    cases.at(CaseStage.ARREST, start=inside, persons=4, name="甲恶势力团伙案", org_type=OrgType.GANG)
    cases.at(
        CaseStage.FIRST_INSTANCE, start=inside, persons=3, name="乙集团案", org_type=OrgType.CRIMINAL_GROUP
    )
    # before the period: counted nowhere except stages reached inside it
    cases.at(
        CaseStage.PROSECUTION,
        start=today - dt.timedelta(days=200),
        persons=9,
        name="丙村霸案",
        org_type=OrgType.VILLAGE_BULLY,
    )
    # another office's case: outside the city office's... the district is inside the city's subtree
    cases.at(
        CaseStage.ARREST,
        start=inside,
        persons=2,
        name="区里恶势力案",
        org_type=OrgType.GANG,
        office="district",
        units=("district_police",),
    )
    judged = cases.at(CaseStage.FIRST_INSTANCE, start=inside, persons=5, name="丁案", org_type=OrgType.GANG)
    actions.do_record_judgment(
        judged.pk, actor=world.people["office_staff"], event_id=judged.events.last().pk, judged_on=today
    )


def _drill(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    rows = list(page.object_list)
    return page.paginator.count, sum(getattr(c, "period_persons", 0) or 0 for c in rows), rows


@pytest.mark.parametrize(
    "who,unit", [("office_staff", "city"), ("district_staff", "district"), ("office_staff", "district")]
)
def test_figures_equal_drill_down(world, stocked, who, unit):
    start, end = _period()
    client = world.client_for(who)
    checked = 0
    for code, fn in INDICATORS.items():
        figure = fn(user=world.people[who], unit=world.units[unit], start=start, end=end)
        if figure is None:
            continue
        count, persons, rows = _drill(client, figure["url"])
        if code in ("police.suspects_caught",):
            assert figure["value"] == persons, code
        elif code == "police.fugitives_caught":
            assert figure["value"] == sum(c.fugitives_caught for c in rows), code
        elif code == "assets.seized":
            assert figure["value"] == float(sum(c.assets_seized + c.assets_frozen for c in rows)), code
        else:
            assert figure["value"] == count, code
            if figure["persons"] is not None:
                assert figure["persons"] == persons, code
        checked += 1
    assert checked >= 15


def test_known_values(world, stocked):
    start, end = _period()
    staff, city = world.people["office_staff"], world.units["city"]

    def value(code):
        return INDICATORS[code](user=staff, unit=city, start=start, end=end)

    assert value("orgs.mafia")["value"] == 1
    assert value("orgs.gang")["value"] == 3
    assert value("orgs.total")["value"] == 5
    assert value("procuratorate.arrests") | {"url": ""} == {
        "value": 5,
        "persons": 7 + 4 + 3 + 2 + 5,
        "url": "",
    }
    assert value("court.first_instance_judged")["value"] == 1
    assert value("court.first_instance_accepted")["value"] == 3
    assert value("discipline.sanctioned")["value"] == 0  # from the 一案三查 accountability records
    district = INDICATORS["procuratorate.arrests"](
        user=world.people["district_staff"], unit=world.units["district"], start=start, end=end
    )
    assert district["value"] == 1 and district["persons"] == 2


def test_listed_cases_figure_equals_drill_down(world, cases):
    from taizhang.supervision.actions import records

    listed = cases.register(name="挂牌案")
    cases.register(name="未挂牌案")
    records.do_list_target(
        listed,
        actor=world.people["office_staff"],
        level="city",
        authority="市扫黑办",
        reason="群众反映强烈",
        deadline_at=timezone.now() + dt.timedelta(days=30),
    )
    start, end = _period()
    figure = INDICATORS["supervision.listed_cases"](
        user=world.people["office_staff"], unit=world.units["city"], start=start, end=end
    )
    assert figure is not None and figure["value"] == 1
    count, _persons, rows = _drill(world.client_for("office_staff"), figure["url"])
    assert count == 1 and rows == [listed]


@pytest.mark.parametrize("who", ["office_staff", "office_leader", "district_staff", "police_liaison"])
def test_listed_cases_for_every_unit_at_once_equal_each_units_own(world, cases, who):
    """A ranking asks the figure for every unit in one statement; each unit's answer is its own figure's."""
    from taizhang.org.models import Unit
    from taizhang.reports.figures import call_for_units
    from taizhang.reports.periods import Period
    from taizhang.supervision.actions import records

    fn = INDICATORS["supervision.listed_cases"]
    staff = world.people["office_staff"]
    for name, office, units in (
        ("挂牌案甲", "city", ("police",)),
        ("挂牌案乙", "district", ("district_police",)),
        ("挂牌案丙", "city", ("district_police", "police")),
    ):
        case = cases.register(name=name, office=office, units=units)
        records.do_list_target(
            case,
            actor=staff,
            level="city",
            authority="市扫黑办",
            reason="群众反映强烈",
            deadline_at=timezone.now() + dt.timedelta(days=30),
        )
    cases.register(name="未挂牌案")
    user = world.people[who]
    period = Period.of("month", timezone.localdate())
    start, end = period.bounds()
    units = list(Unit.objects.order_by("path"))
    alone = {u.pk: fn(user=user, unit=u, start=start, end=end) for u in units}
    together = call_for_units(fn, user=user, units=units, period=period)
    assert together == alone
    if who == "office_staff":
        assert sum(f["value"] for f in together.values()) >= 4  # not vacuous: units of both subtrees count

"""一案三查 and the seized-assets ledger: the rules, who sees what, the drill-downs and the export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from taizhang.cases import actions, followup
from taizhang.cases.choices import AssetStatus, CaseStage, CheckKind, CheckStatus, OrgType, Screening
from taizhang.cases.indicators import INDICATORS
from taizhang.cases.models import Accountability
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused

pytestmark = pytest.mark.django_db


def test_every_counted_case_has_three_checks_and_others_none(world, cases):
    assert sorted(c.kind for c in cases.register().checks.all()) == sorted(CheckKind.values)
    assert not cases.register(name="其他案", org_type=OrgType.OTHER).checks.exists()
    # A case whose type changes to a counted one gets its checks.
    other = cases.register(name="改判案", org_type=OrgType.OTHER)
    actions.do_edit_case(other.pk, actor=world.people["office_staff"], version=other.version, org_type="gang")
    assert other.checks.count() == 3


def test_case_cannot_be_concluded_while_a_check_is_open(world, cases):
    case = cases.at(CaseStage.EFFECTIVE)
    staff, commission = world.people["office_staff"], world.people["discipline_handler"]
    actions.do_screen_case(case.pk, actor=staff, result=Screening.NOT_FOUND)
    followup.do_conclude_check(case.pk, actor=staff, kind=CheckKind.CRIME, finding="判决生效")
    followup.do_conclude_check(case.pk, actor=commission, kind=CheckKind.UMBRELLA, finding="未发现")
    with pytest.raises(ActionError) as err:
        actions.do_conclude_case(case.pk, actor=staff)
    assert err.value.code == "checks_open" and "查监管和基层组织责任" in err.value.message
    followup.do_conclude_check(case.pk, actor=commission, kind=CheckKind.RESPONSIBILITY, finding="未发现失职")
    assert actions.do_conclude_case(case.pk, actor=staff).status == "concluded"


def test_each_check_needs_its_own_precondition(world, cases):
    case = cases.at(CaseStage.PROSECUTION)
    staff, commission = world.people["office_staff"], world.people["discipline_handler"]
    with pytest.raises(ActionError, match="判决生效"):
        followup.do_conclude_check(case.pk, actor=staff, kind=CheckKind.CRIME, finding="x")
    with pytest.raises(ActionError, match="逐案过筛"):
        followup.do_conclude_check(case.pk, actor=commission, kind=CheckKind.UMBRELLA, finding="x")
    # Office staff do not see 保护伞 parts: they may not conclude the responsibility check.
    with pytest.raises(PermissionRefused):
        followup.do_conclude_check(case.pk, actor=staff, kind=CheckKind.RESPONSIBILITY, finding="x")
    with pytest.raises(ActionError, match="问责记录"):
        followup.do_conclude_check(
            case.pk, actor=commission, kind=CheckKind.RESPONSIBILITY, finding="失职", failures_found=True
        )
    with pytest.raises(ActionError, match="核查结论"):
        followup.do_conclude_check(case.pk, actor=commission, kind=CheckKind.RESPONSIBILITY, finding=" ")


def test_accountability_reaches_only_who_sees_the_umbrella_part(world, cases):
    case = cases.at(CaseStage.ARREST)
    commission = world.people["discipline_handler"]
    today = timezone.localdate()
    with pytest.raises(PermissionRefused):
        followup.do_record_accountability(
            case.pk,
            actor=world.people["office_staff"],
            person_name="李某",
            post="所长",
            unit_name="某国土所",
            measure="party",
            decided_on=today,
        )
    row = followup.do_record_accountability(
        case.pk,
        actor=commission,
        person_name="李某",
        post="所长",
        unit_name="某国土所",
        measure="party",
        decided_on=today,
    )
    check = followup.do_conclude_check(
        case.pk, actor=commission, kind=CheckKind.RESPONSIBILITY, finding="监管失职", failures_found=True
    )
    assert check.status == CheckStatus.CONCLUDED
    seen = {
        name: Accountability.objects.visible_to(world.people[name]).filter(pk=row.pk).exists()
        for name in ("office_leader", "discipline_handler", "office_staff", "police_liaison", "group_member")
    }
    assert seen == {
        "office_leader": True,
        "discipline_handler": True,
        "office_staff": False,
        "police_liaison": False,
        "group_member": False,
    }
    # Pages: the police see the case, not the person held to account nor the finding.
    for name, shown in (("police_liaison", False), ("office_staff", False), ("office_leader", True)):
        page = world.client_for(name).get(f"/cases/{case.pk}/").content.decode()
        assert ("李某" in page) is shown, name
        assert ("监管失职" in page) is shown, name
    timeline = world.client_for("police_liaison").get(f"/cases/{case.pk}/").content.decode()
    assert "录入问责记录" in timeline and "case.accountability" not in timeline


def test_discipline_figures_equal_their_drill_down(world, cases):
    case = cases.at(CaseStage.ARREST)
    commission, today = world.people["discipline_handler"], timezone.localdate()
    for name, measure in (("甲", "party"), ("乙", "government"), ("丙", "judiciary"), ("丁", "admonish")):
        followup.do_record_accountability(
            case.pk,
            actor=commission,
            person_name=name,
            post="科长",
            unit_name="某局",
            measure=measure,
            decided_on=today,
        )
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time()))
    end = start + dt.timedelta(days=7)
    leader = world.people["office_leader"]
    client = world.client_for("office_leader")
    for code, want in (
        ("discipline.persons_handled", 4),
        ("discipline.sanctioned", 2),
        ("discipline.transferred_to_judiciary", 1),
    ):
        figure = INDICATORS[code](user=leader, unit=world.units["city"], start=start, end=end)
        assert figure["value"] == want, code
        page = client.get(figure["url"]).content.decode()
        assert f"共 {want} 人" in page, code
    staff_figure = INDICATORS["discipline.persons_handled"](
        user=world.people["office_staff"], unit=world.units["city"], start=start, end=end
    )
    assert staff_figure["value"] == 0  # counts follow what the person may see


def test_assets_item_by_item(world, cases):
    case = cases.at(CaseStage.PROSECUTION)
    police = world.people["police_liaison"]
    day = timezone.localdate() - dt.timedelta(days=30)
    house = followup.do_add_asset(
        case.pk,
        actor=police,
        kind="property",
        description="某小区住宅一套",
        value="72.5万",
        measure="seal",
        custodian=world.units["police"],
        measured_on=day,
    )
    followup.do_add_asset(
        case.pk,
        actor=police,
        kind="cash",
        description="银行存款",
        value="1,200,000",
        measure="freeze",
        custodian=world.units["police"],
        measured_on=day,
    )
    case.refresh_from_db()
    assert (case.assets_seized, case.assets_frozen) == (Decimal("725000.00"), Decimal("1200000.00"))
    # Typed totals cannot contradict the items.
    with pytest.raises(ActionError, match="明细"):
        actions.do_edit_case(
            case.pk, actor=world.people["office_staff"], version=case.version, assets_seized=Decimal(1)
        )
    with pytest.raises(ActionError, match="有效的金额"):
        followup.do_add_asset(
            case.pk,
            actor=police,
            kind="cash",
            description="x",
            value="许多",
            measure="freeze",
            custodian=world.units["police"],
            measured_on=day,
        )
    with pytest.raises(NotVisible):  # a unit that does not see the case
        followup.do_add_asset(
            case.pk,
            actor=world.people["liaison"],
            kind="cash",
            description="x",
            value="1",
            measure="freeze",
            custodian=world.units["police"],
            measured_on=day,
        )
    # No disposal plan before the judgment is effective.
    with pytest.raises(ActionError, match="判决生效"):
        followup.do_plan_disposal(
            case.pk, actor=police, item_id=house.pk, disposal="auction", responsible="王某"
        )


def _effective(world, cases):
    case = cases.at(CaseStage.EFFECTIVE, start=timezone.localdate() - dt.timedelta(days=200))
    police = world.people["police_liaison"]
    item = followup.do_add_asset(
        case.pk,
        actor=police,
        kind="vehicle",
        description="轿车一辆",
        value="30万",
        measure="seize",
        custodian=world.units["police"],
        measured_on=timezone.localdate() - dt.timedelta(days=150),
    )
    return case, item, police


def test_disposal_deadline_three_months_and_never_more_than_the_value(world, cases):
    case, item, police = _effective(world, cases)
    effective = followup.effective_on(case)
    item = followup.do_plan_disposal(
        case.pk, actor=police, item_id=item.pk, disposal="auction", responsible="王某"
    )
    assert item.dispose_by == followup._add_months(effective, 3)
    with pytest.raises(ActionError, match="超过该财产价值"):
        followup.do_record_disposal(
            case.pk, actor=police, item_id=item.pk, amount="31万", disposed_on=timezone.localdate()
        )
    followup.do_record_disposal(
        case.pk, actor=police, item_id=item.pk, amount="10万", disposed_on=timezone.localdate()
    )
    item.refresh_from_db()
    assert item.status == AssetStatus.PLANNED and item.disposed_amount == Decimal("100000.00")
    followup.do_record_disposal(
        case.pk, actor=police, item_id=item.pk, amount="20万", disposed_on=timezone.localdate()
    )
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.status == AssetStatus.DISPOSED
    assert case.assets_confiscated == Decimal("300000.00")  # auctioned: counted as realised


def test_overdue_disposals_are_listed_and_exported(world, cases):
    case, item, police = _effective(world, cases)
    followup.do_plan_disposal(
        case.pk,
        actor=police,
        item_id=item.pk,
        disposal="confiscate",
        responsible="王某",
        dispose_by=followup.effective_on(case) + dt.timedelta(days=1),
    )
    # The disposal deadline is supervised: a task of the case's office for the custodian, overdue at once,
    # on the police's to-do list; disposing of the item closes it.
    from taizhang.supervision.models import Task

    item.refresh_from_db()
    task = Task.objects.get(pk=item.task_id)
    assert (task.office_id, task.owner_unit_id, task.status) == (
        case.office_id,
        world.units["police"].pk,
        "open",
    )
    assert timezone.localdate(task.due_at) == item.dispose_by and task.due_at < timezone.now()
    todo = world.client_for("police_liaison").get("/supervision/todo/").content.decode()
    assert "轿车一辆" in todo
    client = world.client_for("office_staff")
    page = client.get("/cases/assets/?overdue=1").content.decode()
    assert "轿车一辆" in page and "已超过处置期限" in page
    assert "轿车一辆" not in world.client_for("other_liaison").get("/cases/assets/").content.decode()
    response = client.get("/cases/assets/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][4] == "轿车一辆" and rows[1][5] == 30 and rows[1][9] == "没收"
    assert rows[1][13] == "逾期未处置"
    followup.do_record_disposal(
        case.pk, actor=police, item_id=item.pk, amount="30万", disposed_on=timezone.localdate()
    )
    task.refresh_from_db()
    assert task.status == "done" and task.result == "涉案财产已处置完毕。"


def test_export_cells_are_never_formulas(world, cases):
    case, item, police = _effective(world, cases)
    followup.do_add_asset(
        case.pk,
        actor=police,
        kind="other",
        description='=HYPERLINK("http://x","y")',
        value="1",
        measure="seize",
        custodian=world.units["police"],
        measured_on=timezone.localdate(),
    )
    response = world.client_for("office_staff").get("/cases/assets/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(c.startswith("=") for c in cells)


def test_checks_board_counts_open_to_the_case_list(world, cases):
    cases.register()
    cases.register(name="乙案", org_type=OrgType.GANG)
    client = world.client_for("office_staff")
    page = client.get("/cases/checks/").content.decode()
    assert '<a href="/cases/?check_open=crime">2</a>' in page
    listed = client.get("/cases/?check_open=crime").content.decode()
    assert "乙案" in listed and "张某某等人涉黑案" in listed
    # The filter the link applied is visible in the list's form.
    assert 'name="check_open"' in listed and 'value="crime" selected' in listed


def test_api_checks_assets_and_accountability(world, cases):
    case = cases.at(CaseStage.ARREST)
    police = world.client_for("police_liaison")
    body = {
        "kind": "vehicle",
        "description": "货车",
        "value": "12万",
        "measure": "seize",
        "custodian_id": world.units["police"].pk,
        "measured_on": timezone.localdate().isoformat(),
    }
    url = f"/api/cases/cases/{case.pk}"
    created = police.post(f"{url}/assets", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["value"] == "120000.00"
    bad = police.post(f"{url}/assets", {**body, "kind": "alien"}, content_type="application/json")
    assert bad.status_code == 422
    refused = police.post(
        f"{url}/assets/{created.json()['id']}/plan",
        {"disposal": "auction", "responsible": "王某"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_effective"
    person = {
        "person_name": "赵某",
        "post": "站长",
        "unit_name": "某监管站",
        "measure": "admonish",
        "decided_on": timezone.localdate().isoformat(),
    }
    commission = world.client_for("discipline_handler")
    assert (
        commission.post(f"{url}/accountability", person, content_type="application/json").status_code == 201
    )
    assert police.post(f"{url}/accountability", person, content_type="application/json").status_code == 403
    assert [r["person_name"] for r in commission.get(f"{url}/accountability").json()] == ["赵某"]
    assert police.get(f"{url}/accountability").json() == []
    checks = {c["kind"]: c for c in police.get(f"{url}/checks").json()}
    assert set(checks) == set(CheckKind.values) and checks["responsibility"]["finding"] == ""

"""Entry forms in the browser: a unit picked by typing its name and one click, measures as rows added and
removed, dates typed the Chinese way, and a refused save that keeps every row."""

from __future__ import annotations

import pytest

from taizhang.rectification.models import Measure, ProblemList
from tests.browser.conftest import session_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_problem_list_with_a_searched_unit_and_measure_rows(journey, world):
    unit = world.units["construction"]
    page = journey.open_tab(session=session_for(world.people["office_staff"]))
    with journey.step("the form"):
        page.goto("/rectification/lists/new/")
        page.fill("#id_title", "工程建设领域问题清单")
        page.select_option("#id_office", str(world.units["city"].pk))
        search = page.locator("input[data-picker-search=id_units]")
        assert search.is_visible()
    with journey.step("search a unit and pick it with one click"):
        search.fill(unit.name[:3])
        visible = page.locator("#id_units option:not([hidden])")
        assert 0 < visible.count() < page.locator("#id_units option").count()
        page.locator(f"#id_units option[value='{unit.pk}']").click()
        assert page.locator("[data-picker-count=id_units]").inner_text().startswith("已选 1 个")
    with journey.step("rows added and removed"):
        page.locator("[data-row-add]").click()
        page.locator("[data-row-add]").click()
        assert page.locator("[data-row]").count() == 3
        page.locator("[data-row] [data-row-remove]").nth(2).click()
        assert page.locator("[data-row]").count() == 2
        rows = page.locator("[data-row]")
        rows.nth(0).locator("[name=measure_problem]").fill("围标串标")
        rows.nth(0).locator("[name=measure_description]").fill("修订招标办法")
        rows.nth(0).locator("[name=measure_deadline]").fill("2027年12月31日")
        rows.nth(1).locator("[name=measure_problem]").fill("砂石市场垄断")
        rows.nth(1).locator("[name=measure_description]").fill("开展专项整治")
        rows.nth(1).locator("[name=measure_deadline]").fill("年底前")
    with journey.step("refused: the row is named and everything typed is kept"):
        page.locator("form button.btn-primary").click()
        page.wait_for_selector(".alert-danger")
        assert "第2行" in page.locator(".alert-danger").inner_text()
        assert page.locator("#id_title").input_value() == "工程建设领域问题清单"
        assert page.locator("[data-row]").count() == 2
        assert page.locator("[name=measure_deadline]").nth(1).input_value() == "年底前"
        assert page.locator(f"#id_units option[value='{unit.pk}']").evaluate("o => o.selected")
    with journey.step("corrected and saved"):
        page.locator("[name=measure_deadline]").nth(1).fill("2027/6/30")
        page.locator("form button.btn-primary").click()
        page.wait_for_url("**/rectification/lists/*/")
    problem_list = ProblemList.objects.get(title="工程建设领域问题清单")
    assert Measure.objects.filter(problem__problem_list=problem_list).count() == 2
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.errors, journey.errors


def test_letter_case_picker_lists_cases_by_name_and_fills_the_number(journey, world):
    from taizhang.cases.models import Case

    Case.objects.create(number="AJ-2026-201", name="赵某某涉黑组织案", office=world.units["city"])
    Case.objects.create(number="AJ-2026-202", name="钱某某恶势力集团案", office=world.units["district"])
    page = journey.open_tab(session=session_for(world.people["district_staff"]))
    with journey.step("typing a word of the name lists the matching case"):
        page.goto("/rectification/letters/new/")
        page.locator("#id_case_number").press_sequentially("恶势力")
        choice = page.locator("#case-choices [data-fill-value]")
        choice.first.wait_for()
        assert choice.count() == 1 and "AJ-2026-202" in choice.first.inner_text()
    with journey.step("a click fills in the number"):
        choice.first.click()
        assert page.locator("#id_case_number").input_value() == "AJ-2026-202"
    with journey.step("a case outside the person's sight is never listed"):
        page.locator("#id_case_number").fill("")
        page.locator("#id_case_number").press_sequentially("赵某某")
        page.wait_for_selector("#case-choices .text-muted")
        assert "AJ-2026-201" not in page.locator("#case-choices").inner_text()
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.errors, journey.errors


def test_a_refused_form_on_the_case_page_comes_back_filled_and_open(journey, world):
    """Two forms post to the same path (one per check, told apart by a hidden kind): the second one is refused
    (保护伞: no 逐案过筛 yet, or responsibility: no accountability record) and comes back filled, the first empty."""
    from taizhang.cases.choices import CaseStage
    from tests.cases.conftest import CaseMaker

    case = CaseMaker(world).at(CaseStage.PROSECUTION)
    page = journey.open_tab(session=session_for(world.people["discipline_handler"]))
    finding = "监管部门对砂石场长期无证开采失察，待补问责记录"
    conclude = f"form[action='/cases/{case.pk}/check/conclude/']"
    with journey.step("the second check's form filled and sent"):
        page.goto(f"/cases/{case.pk}/")
        assert page.locator(conclude).count() == 2
        second = page.locator(conclude).nth(1)
        second.locator("[name=finding]").fill(finding)
        if second.locator("[name=failures_found]").count():
            second.locator("[name=failures_found]").check()
        second.locator("button").click()
        page.wait_for_selector(".alert-danger")
    with journey.step("refused: the second form holds what was typed, the first stays empty"):
        assert page.locator(".alert-danger").inner_text().strip()
        assert page.locator(conclude).nth(1).locator("[name=finding]").input_value() == finding
        assert page.locator(conclude).nth(0).locator("[name=finding]").input_value() == ""
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.errors, journey.errors

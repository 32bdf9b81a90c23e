"""Entry forms read what people type: Chinese dates in measure lines, a case by number or by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from taizhang.pure.dates import parse_date_text
from taizhang.rectification.forms import LetterForm, parse_measure_lines


@pytest.mark.parametrize(
    "typed",
    ["2026-12-31", "2026/12/31", "2026.12.31", "2026年12月31日", "２０２６年１２月３１日", "2026年12月31"],
)
def test_dates_as_people_write_them(typed):
    assert parse_date_text(typed) == dt.date(2026, 12, 31)


@pytest.mark.parametrize("typed", ["2026年13月1日", "明年年底", "31/12/2026", ""])
def test_what_is_not_a_date(typed):
    assert parse_date_text(typed) is None


def test_measure_lines_take_chinese_dates_and_say_which_forms_work():
    rows = parse_measure_lines("砂石市场垄断 | 开展专项整治 | 2026年12月31日", [])
    assert rows[0].deadline == dt.date(2026, 12, 31)
    with pytest.raises(forms.ValidationError) as err:
        parse_measure_lines("问题 | 措施 | 年底前", [])
    message = " ".join(err.value.messages)
    assert "年底前" in message and "2026年12月31日" in message and "2026-12-31" in message


@pytest.mark.django_db
def test_a_case_is_found_by_number_or_name_with_a_hint_when_not(world):
    from taizhang.cases.models import Case

    case = Case.objects.create(number="AJ-2026-001", name="刘某某涉黑组织案", office=world.units["city"])

    def clean(value):
        form = LetterForm(user=world.people["office_staff"])
        form.cleaned_data = {"case_number": value}
        return form.clean_case_number()

    assert clean("AJ-2026-001") == case
    assert clean("刘某某") == case
    with pytest.raises(forms.ValidationError) as err:
        clean("不存在的案件")
    assert "案件编号" in " ".join(err.value.messages) and "名称" in " ".join(err.value.messages)


@pytest.mark.django_db
def test_letter_dates_take_chinese_forms_and_a_refusal_says_which_forms_work(world):
    staff = world.people["office_staff"]
    form = LetterForm({"issued_on": "2026年12月1日", "reply_due": "２０２６年１２月３１日"}, user=staff)
    form.is_valid()
    assert form.cleaned_data["issued_on"] == dt.date(2026, 12, 1)
    assert form.cleaned_data["reply_due"] == dt.date(2026, 12, 31)
    refused = LetterForm({"issued_on": "年底前"}, user=staff)
    assert not refused.is_valid()
    message = " ".join(refused.errors["issued_on"])
    assert "年底前" in message and "2026年12月31日" in message and "2026-12-31" in message
    # a text box, so a typed Chinese date is kept as typed when the save is refused
    html = str(refused["issued_on"])
    assert 'type="text"' in html and 'value="年底前"' in html


@pytest.mark.django_db
def test_case_stage_dates_take_chinese_forms(world):
    from taizhang.cases.forms import StageForm

    form = StageForm({"stage": "prosecution", "occurred_on": "2026年6月3日", "persons": 1})
    form.is_valid()
    assert form.cleaned_data.get("occurred_on") == dt.date(2026, 6, 3), form.errors
    refused = StageForm({"stage": "prosecution", "occurred_on": "6月3号", "persons": 1})
    assert not refused.is_valid()
    assert "2026年12月31日" in " ".join(refused.errors["occurred_on"])


@pytest.mark.django_db
def test_unit_pickers_are_searchable_styled_lists_not_ctrl_click_selects(world):
    from taizhang.cases.forms import CaseForm
    from taizhang.rectification.forms import ProblemListForm

    staff = world.people["office_staff"]
    for form, name in ((ProblemListForm(user=staff), "units"), (CaseForm(user=staff), "handling_units")):
        html = str(form[name])
        assert 'data-picker="filter"' in html and 'class="form-select"' in html
        assert "筛选" in str(form[name].help_text)
    assert 'class="form-control"' in str(LetterForm(user=staff)["number"])


@pytest.mark.django_db
def test_the_case_picker_finds_by_number_or_name_only_cases_the_person_may_see(world):
    from taizhang.cases.models import Case

    city = Case.objects.create(number="AJ-2026-101", name="王某某涉黑组织案", office=world.units["city"])
    district = Case.objects.create(
        number="AJ-2026-102", name="李某某恶势力集团案", office=world.units["district"]
    )
    url = "/rectification/letters/cases/"

    def listed(persona, typed):
        page = world.client_for(persona).get(url, {"case_number": typed}).content.decode()
        return {c.number for c in (city, district) if f'data-fill-value="{c.number}"' in page}, page

    assert listed("office_staff", "AJ-2026-10")[0] == {city.number, district.number}
    assert listed("office_staff", "恶势力")[0] == {district.number}
    # the district office never learns of the city's case, by number or by name
    assert listed("district_staff", "AJ-2026")[0] == {district.number}
    found, page = listed("district_staff", "王某某")
    assert not found and "王某某涉黑组织案" not in page and "只列出您可查看的案件" in page
    assert world.client_for("liaison").get(url, {"case_number": "AJ"}).status_code == 404
    # the letter form's case box asks this picker as one types
    form_page = world.client_for("office_staff").get("/rectification/letters/new/").content.decode()
    assert f'hx-get="{url}"' in form_page and 'id="case-choices"' in form_page

"""Typical cases, publicity activities and the 群众安全感 survey: rules, visibility, figures, documents."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.test import Client
from django.utils import timezone

from taizhang.clues.actions import SubjectData
from taizhang.core.actors import SystemActor
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.portal import abuse
from taizhang.publicity import actions, results
from taizhang.publicity.indicators import publicity_events
from taizhang.publicity.models import Answer, PublicityActivity, Response
from taizhang.pure import deid
from taizhang.pure.dates import parse_date_text as parse_date

pytestmark = pytest.mark.django_db


def test_mask_keeps_surnames_and_cuts_ids_phones_addresses():
    text = "被告人张三丰伙同李四（身份证号 110101199003078515，电话 138 1234 5678）在江川市东湖区幸福路18号3栋开设赌场。"
    masked = deid.mask(text, ["张三丰"])
    assert "张某某" in masked and "李某某" in masked and "张三丰" not in masked
    assert deid.leaks(masked) == [] and len(deid.leaks(text)) == 2
    assert "东湖区开设赌场" in masked and "幸福路" not in masked
    assert deid.mask("欧阳锋等人", ["欧阳锋"]) == "欧阳某某等人"


def test_wilson_interval():
    low, high = deid.wilson(80, 100)
    assert 0.71 < low < 0.72 and 0.86 < high < 0.87
    assert deid.wilson(0, 0) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026年12月31日", dt.date(2026, 12, 31)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("二〇二六年十二月三十一日", dt.date(2026, 12, 31)),
        ("2026年2月30日", None),
        ("明天", None),
    ],
)
def test_chinese_dates(text, day):
    assert parse_date(text) == day


@pytest.fixture
def case(world, cases):
    from taizhang.clues import actions as clue_actions

    clue = clue_actions.do_register_clue(
        actor=SystemActor("测试"),
        office=world.units["city"],
        channel="letter",
        received_at=timezone.now(),
        summary="某团伙强迫交易",
        facts="强迫交易",
        subjects=[SubjectData(name="王大锤")],
    )
    return cases.register(
        brief="犯罪嫌疑人王大锤（电话13912345678）在江川市东湖区幸福路8号强迫交易。", clues=[clue]
    )


def test_typical_case_is_masked_and_approval_refuses_what_identifies(world, case):
    staff, leader = world.people["office_staff"], world.people["office_leader"]
    typical = actions.do_draft_typical(actor=staff, case_id=case.pk, title="王某某强迫交易案")
    assert "王某某" in typical.summary and "王大锤" not in typical.summary and "139" not in typical.summary
    with pytest.raises(PermissionRefused):
        actions.do_approve_typical(typical.pk, actor=staff)
    # Someone types a phone number and the full name back in: approval is refused, nothing changes.
    typical = actions.do_edit_typical(
        typical.pk,
        actor=staff,
        version=typical.version,
        title=typical.title,
        summary=typical.summary + "联系人王大锤，13912345678。",
        listed=True,
    )
    with pytest.raises(ActionError) as err:
        actions.do_approve_typical(typical.pk, actor=leader)
    assert err.value.code == "not_deidentified" and "13912345678" not in err.value.message
    typical.refresh_from_db()
    assert typical.status == "draft"
    typical = actions.do_edit_typical(
        typical.pk,
        actor=staff,
        version=typical.version,
        title=typical.title,
        summary="王某某等人强迫交易。",
        listed=True,
    )
    typical = actions.do_approve_typical(typical.pk, actor=leader)
    assert typical.status == "approved" and typical.approved_by == leader
    # Stale edit refused.
    with pytest.raises(ActionError):
        actions.do_edit_typical(typical.pk, actor=staff, version=1, title="x", summary="y", listed=False)


def test_typical_export_is_a4_with_page_numbers_and_only_approved(world, case):
    staff, leader = world.people["office_staff"], world.people["office_leader"]
    client = world.client_for("office_staff")
    typical = actions.do_draft_typical(actor=staff, case_id=case.pk, title="王某某强迫交易案")
    assert client.get("/publicity/typical/export.docx").status_code == 302  # nothing approved yet
    actions.do_approve_typical(typical.pk, actor=leader)
    response = client.get("/publicity/typical/export.docx")
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert "PAGE" in section.footer.paragraphs[0]._element.xml
    text = "\n".join(p.text for p in document.paragraphs)
    assert "案例一：王某某强迫交易案" in text and "王大锤" not in text
    assert world.client_for("other_liaison").get(f"/publicity/typical/{typical.pk}/").status_code == 404


def test_activities_feed_the_publicity_figure_and_its_drill_down(world):
    liaison, day = world.people["liaison"], timezone.localdate()
    actions.do_record_activity(
        actor=liaison, unit=world.units["transport"], kind="banner", held_on=day, count=12, title="悬挂横幅"
    )
    actions.do_record_activity(
        actor=world.people["office_staff"],
        unit=world.units["city"],
        kind="meeting",
        held_on=day,
        count=1,
        title="宣讲",
    )
    with pytest.raises(PermissionRefused):
        actions.do_record_activity(
            actor=liaison, unit=world.units["construction"], kind="banner", held_on=day, count=1, title="x"
        )
    with pytest.raises(ActionError, match="整数"):
        actions.do_record_activity(
            actor=liaison, unit=world.units["transport"], kind="banner", held_on=day, count=0, title="x"
        )
    start = timezone.make_aware(dt.datetime.combine(day.replace(day=1), dt.time()))
    end = start + dt.timedelta(days=40)
    figure = publicity_events(
        user=world.people["office_staff"], unit=world.units["city"], start=start, end=end
    )
    assert figure["value"] == 13
    page = world.client_for("office_staff").get(figure["url"]).content.decode()
    assert "合计 13 场（次）" in page
    own = publicity_events(user=liaison, unit=world.units["transport"], start=start, end=end)
    assert own["value"] == 12
    # A refused form keeps what was typed.
    response = world.client_for("liaison").post(
        "/publicity/activities/",
        {
            "unit": world.units["transport"].pk,
            "kind": "media",
            "held_on": "2026年13月1日",
            "count": "3",
            "title": "专题报道",
        },
    )
    assert "专题报道" in response.content.decode() and PublicityActivity.objects.count() == 2


@pytest.fixture
def survey(world):
    survey = actions.do_create_survey(
        actor=world.people["office_staff"],
        office=world.units["city"],
        title="2026年第四季度群众安全感满意度调查",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        districts=[world.units["district"]],
        questions=[
            {"text": "您对所在地区社会治安是否满意", "kind": "likert"},
            {"text": "您是否了解扫黑除恶举报渠道", "kind": "choice", "options": ["了解", "不了解"]},
        ],
    )
    return survey


def test_survey_answers_bulk_all_or_nothing_and_results_with_interval(world, survey):
    staff = world.people["office_staff"]
    district = world.units["district"].pk
    questions = list(survey.questions.all())
    with pytest.raises(ActionError, match="不在进行中"):
        actions.do_enter_answers(survey.pk, actor=staff, district_id=district, channel="paper", rows=[{}])
    actions.do_set_survey_status(survey.pk, actor=staff, status="open")
    rows = [{questions[0].pk: v, questions[1].pk: 0} for v in (5, 4, 4, 2, 1)]
    with pytest.raises(ActionError, match="第 3 份答卷"):
        actions.do_enter_answers(
            survey.pk,
            actor=staff,
            district_id=district,
            channel="paper",
            rows=[*rows[:2], {questions[0].pk: 9, questions[1].pk: 0}],
        )
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    assert (
        actions.do_enter_answers(survey.pk, actor=staff, district_id=district, channel="phone", rows=rows)
        == 5
    )
    table = results.table(survey)
    cell = table["rows"][0]["cells"][0]["cell"]
    assert (cell.answers, cell.satisfied) == (5, 3)
    assert cell.interval == deid.wilson(3, 5)
    page = world.client_for("office_staff").get(f"/publicity/surveys/{survey.pk}/").content.decode()
    assert "60.0%" in page and "5 份" in page
    assert world.client_for("liaison").get(f"/publicity/surveys/{survey.pk}/").status_code == 404
    actions.do_set_survey_status(survey.pk, actor=staff, status="closed")
    with pytest.raises(ActionError, match="不在进行中"):
        actions.do_answer_survey(
            survey.pk, district_id=district, answers={questions[0].pk: 5, questions[1].pk: 0}
        )


def test_public_answer_needs_proof_of_work_and_stores_no_network_detail(world, survey):
    actions.do_set_survey_status(survey.pk, actor=world.people["office_staff"], status="open")
    questions = list(survey.questions.all())
    client = Client()
    page = client.get(f"/publicity/answer/{survey.pk}/")
    assert page.status_code == 200 and "您对所在地区社会治安是否满意" in page.content.decode()
    data = {"district": world.units["district"].pk, f"q{questions[0].pk}": "5", f"q{questions[1].pk}": "1"}
    refused = client.post(f"/publicity/answer/{survey.pk}/", {**data, "challenge": "x", "pow_answer": "0"})
    assert "安全校验" in refused.content.decode() and Response.objects.count() == 0
    challenge = abuse.new_challenge()
    answer = abuse.solve(challenge, abuse.pow_bits())
    done = client.post(
        f"/publicity/answer/{survey.pk}/", {**data, "challenge": challenge, "pow_answer": answer}
    )
    assert "感谢您的参与" in done.content.decode()
    assert [f.name for f in Response._meta.get_fields() if f.concrete] == [
        "id",
        "survey",
        "district",
        "channel",
        "day",
        "ref",  # an answer from the portal site: "<portal site id>:<random reference>", nothing of the network
    ]
    replay = client.post(
        f"/publicity/answer/{survey.pk}/", {**data, "challenge": challenge, "pow_answer": answer}
    )
    assert "感谢" not in replay.content.decode() and Response.objects.count() == 1


def test_bad_survey_input(world):
    staff = world.people["office_staff"]
    with pytest.raises(ActionError, match="至少两个选项"):
        actions.do_create_survey(
            actor=staff,
            office=world.units["city"],
            title="t",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 2),
            districts=[world.units["district"]],
            questions=[{"text": "q", "kind": "choice", "options": ["一"]}],
        )
    with pytest.raises(PermissionRefused):
        actions.do_create_survey(
            actor=world.people["liaison"],
            office=world.units["city"],
            title="t",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 2),
            districts=[world.units["district"]],
            questions=[{"text": "q"}],
        )
    with pytest.raises(NotVisible):
        actions.do_draft_typical(actor=world.people["other_liaison"], case_id=999999, title="x")


def test_case_page_offers_typical_to_the_office(world, case):
    page = world.client_for("office_staff").get(f"/cases/{case.pk}/").content.decode()
    assert f"/publicity/typical/new/?case={case.pk}" in page
    assert (
        f"/publicity/typical/new/?case={case.pk}"
        not in world.client_for("police_liaison").get(f"/cases/{case.pk}/").content.decode()
    )


def test_security_rate_reaches_the_dashboard_and_bulletin_and_opens_the_survey(world, survey):
    from taizhang.publicity.indicators import INDICATORS
    from taizhang.reports.dashboard import optional_series
    from taizhang.reports.periods import Period

    staff = world.people["office_staff"]
    actions.do_set_survey_status(survey.pk, actor=staff, status="open")
    questions = list(survey.questions.all())
    rows = [{questions[0].pk: v, questions[1].pk: 0} for v in (5, 4, 4, 2)]
    actions.do_enter_answers(
        survey.pk, actor=staff, district_id=world.units["district"].pk, channel="paper", rows=rows
    )
    period = Period.parse("quarter", "2026-Q4")
    start, end = period.bounds()
    leader, city = world.people["office_leader"], world.units["city"]
    figure = INDICATORS["publicity.security_rate"](user=leader, unit=city, start=start, end=end)
    cell = results.table(survey)["rows"][0]["cells"][0]["cell"]
    assert figure["value"] == round(cell.rate * 100, 1) == 75.0  # the results page's own count
    assert figure["url"] == f"/publicity/surveys/{survey.pk}/"
    [bar] = optional_series(leader, city, period)["security"]
    assert (bar["name"], bar["value"], bar["url"]) == (world.units["district"].name, 75.0, figure["url"])
    # Another period has no answers; a unit that cannot see the survey gets no figure and no bar.
    earlier = Period.parse("quarter", "2026-Q2")
    assert "security" not in optional_series(leader, city, earlier)
    liaison = world.people["liaison"]
    assert (
        INDICATORS["publicity.security_rate"](user=liaison, unit=city, start=start, end=end)["value"] == 0.0
    )
    assert "security" not in optional_series(liaison, world.units["transport"], period)
    bulletin = world.client_for("office_leader").get(
        "/reports/bulletin/", {"unit": city.pk, "period": "2026-Q4", "kind": "quarter"}
    )
    assert "群众安全感满意度" in bulletin.content.decode()

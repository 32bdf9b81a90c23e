"""Every rectification page and API route: allowed, forbidden role, other unit, anonymous; query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from taizhang.rectification.choices import LetterStatus, MeasureStatus
from taizhang.rectification.models import Letter, Measure, ProblemList

pytestmark = pytest.mark.django_db

PAGES = [
    "/rectification/",
    "/rectification/lists/new/",
    "/rectification/lists/import/",
    "/rectification/letters/",
    "/rectification/letters/board/",
    "/rectification/letters/new/",
    "/rectification/letters/export.xlsx",
    "/api/rectification/letters",
    "/api/rectification/lists",
]


def today() -> dt.date:
    """The local date at the test's clock (read when the test runs, not at import)."""
    return timezone.localdate()


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_refused_and_staff_allowed(world, path):
    assert Client().get(path).status_code in (302, 401)
    assert world.client_for("office_staff").get(path).status_code == 200


@pytest.mark.calendar
def test_letter_detail_and_reply_routes(world, rect):
    letter = rect.letter()
    url = f"/rectification/letters/{letter.pk}/"
    assert world.client_for("office_staff").get(url).status_code == 200
    assert world.client_for("liaison").get(url).status_code == 200  # recipient
    assert world.client_for("other_liaison").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    reply = {"reply": "已整改", "measures": f"监管漏洞 | 修订办法 | {today() + dt.timedelta(days=30)}"}
    assert world.client_for("other_liaison").post(url + "reply/", reply).status_code == 404
    world.client_for("office_staff").post(url + "reply/", reply)  # sees it, is not the recipient
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.ISSUED
    assert Client().post(url + "reply/", reply).status_code == 302
    assert world.client_for("liaison").post(url + "reply/", reply).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECTIFYING and letter.problem_list.problems.count() == 1


@pytest.mark.calendar
def test_letter_create_page(world, rect):
    from taizhang.rectification.models import LetterType

    data = {
        "letter_type": LetterType.objects.get(code="judicial").pk,
        "number": "司建〔2026〕1号",
        "issuer": world.units["police"].pk,
        "recipient": world.units["transport"].pk,
        "issued_on": today().isoformat(),
        "problems": "问题",
    }
    assert world.client_for("police_liaison").post("/rectification/letters/new/", data).status_code == 302
    assert Letter.objects.filter(number="司建〔2026〕1号").exists()
    # a member unit cannot issue in another unit's name (not among its choices)
    world.client_for("liaison").post("/rectification/letters/new/", {**data, "number": "x"})
    assert not Letter.objects.filter(number="x").exists()


@pytest.mark.calendar
def test_measure_routes(world, rect):
    pl = rect.problem_list(units=("construction",))
    m = Measure.objects.filter(problem__problem_list=pl).first()
    url = f"/rectification/measures/{m.pk}/"
    assert world.client_for("other_liaison").get(url).status_code == 200
    assert world.client_for("liaison").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert world.client_for("liaison").post(url + "progress/", {"body": "x"}).status_code == 404
    world.client_for("office_staff").post(url + "progress/", {"body": "x"})  # office does not report
    assert not m.reports.exists()
    world.client_for("other_liaison").post(url + "progress/", {"body": "进展", "version": m.version})
    assert m.reports.count() == 1
    world.client_for("other_leader").post(url + "review/", {"approve": "1"})
    assert Measure.objects.get(pk=m.pk).status == MeasureStatus.IN_PROGRESS
    list_url = f"/rectification/lists/{pl.pk}/"
    assert world.client_for("other_liaison").get(list_url).status_code == 200
    assert world.client_for("liaison").get(list_url).status_code == 404
    assert world.client_for("district_staff").get(list_url).status_code == 404


def test_list_create_by_hand(world):
    data = {
        "title": "自查清单",
        "source": "self_check",
        "office": world.units["city"].pk,
        "units": [world.units["construction"].pk],
        "measures": f"问题甲 | 措施一 | {today()}\n问题甲 | 措施二 | {today()}\n问题乙 | 措施三 | {today()}",
    }
    assert world.client_for("office_staff").post("/rectification/lists/new/", data).status_code == 302
    pl = ProblemList.objects.get(title="自查清单")
    assert pl.problems.count() == 2 and Measure.objects.filter(problem__problem_list=pl).count() == 3
    world.client_for("other_liaison").post("/rectification/lists/new/", {**data, "title": "越权清单"})
    assert not ProblemList.objects.filter(title="越权清单").exists()


@pytest.mark.calendar
def test_api_reply_and_review(world, rect):
    letter = rect.letter()
    body = json.dumps(
        {"reply": "已整改", "measures": [{"problem": "p", "description": "d", "deadline": str(today())}]}
    )
    assert (
        world.client_for("other_liaison")
        .post(f"/api/rectification/letters/{letter.pk}/reply", body, content_type="application/json")
        .status_code
        == 404
    )
    response = world.client_for("liaison").post(
        f"/api/rectification/letters/{letter.pk}/reply", body, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rectifying"
    m = Measure.objects.get(problem__problem_list__letter=letter)
    review = json.dumps({"approve": True})
    refused = world.client_for("office_staff").post(
        f"/api/rectification/measures/{m.pk}/review", review, content_type="application/json"
    )
    assert refused.status_code == 409
    lists = world.client_for("office_staff").get("/api/rectification/lists").json()
    assert lists[0]["total"] == 1
    assert (
        world.client_for("liaison").get("/api/rectification/letters?bucket=replied").json()[0]["id"]
        == letter.pk
    )


def test_letter_list_query_count_is_constant(world, rect, django_assert_max_num_queries):
    client = world.client_for("office_staff")
    rect.letter(days_ago=1)
    client.get("/rectification/letters/")
    with django_assert_max_num_queries(16) as few:  # the layout (session, user, roles, inbox count) included
        client.get("/rectification/letters/")
    for i in range(10):
        rect.letter(days_ago=i + 2, recipient="construction" if i % 2 else "transport")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/rectification/letters/")


def test_list_pages_query_count_is_constant(world, rect, django_assert_max_num_queries):
    client = world.client_for("office_staff")
    pl = rect.problem_list()
    client.get(f"/rectification/lists/{pl.pk}/")
    with django_assert_max_num_queries(30) as few:
        client.get(f"/rectification/lists/{pl.pk}/")
        client.get("/rectification/")
    for _ in range(4):
        rect.problem_list(deadlines=(5, 6, 7, -1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/rectification/lists/{pl.pk}/")
        client.get("/rectification/")


def test_api_lists_clamp_a_negative_or_huge_offset(world):
    client = world.client_for("office_staff")
    for path in ("/api/rectification/letters", "/api/rectification/lists"):
        for offset in (-5, 10**30):
            response = client.get(path, {"offset": offset, "limit": -1})
            assert response.status_code in (200, 422), (path, offset, response.status_code)


@pytest.mark.calendar
def test_list_create_with_measure_rows_keeps_what_was_typed_when_refused(world):
    client = world.client_for("office_staff")
    data = {
        "title": "行业清单",
        "source": "self_check",
        "office": world.units["city"].pk,
        "units": [world.units["construction"].pk],
        "measure_problem": ["砂石市场垄断", "围标串标", ""],
        "measure_description": ["开展专项整治", "修订招标办法", ""],
        "measure_deadline": ["2026年12月31日", "年底前", ""],
    }
    refused = client.post("/rectification/lists/new/", data)
    assert refused.status_code == 200 and not ProblemList.objects.filter(title="行业清单").exists()
    page = refused.content.decode()
    assert "第2行" in page and "年底前" in page and "2026年12月31日" in page  # the refusal names the row
    for typed in ("行业清单", "砂石市场垄断", "开展专项整治", "围标串标", "修订招标办法"):
        assert f'value="{typed}"' in page  # every typed value is still there
    data["measure_deadline"] = ["2026年12月31日", "２０２７年３月１日", ""]
    assert client.post("/rectification/lists/new/", data).status_code == 302
    pl = ProblemList.objects.get(title="行业清单")
    deadlines = sorted(m.deadline for m in Measure.objects.filter(problem__problem_list=pl))
    assert deadlines == [dt.date(2026, 12, 31), dt.date(2027, 3, 1)]


@pytest.mark.calendar
def test_a_refused_reply_keeps_every_row_typed_and_names_the_row(world, rect):
    letter = rect.letter()
    url = f"/rectification/letters/{letter.pk}/"
    client = world.client_for("liaison")
    reply = {
        "reply": "已制定整改方案",
        "measure_problem": ["审批漏洞", "监管缺位"],
        "measure_description": ["修订审批办法", "建立巡查制度"],
        "measure_deadline": ["2026年9月30日", "下个月"],
    }
    refused = client.post(url + "reply/", reply)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "第2行" in page and "2026年12月31日" in page
    assert "已制定整改方案" in page and 'value="修订审批办法"' in page and 'value="下个月"' in page
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.ISSUED
    reply["measure_deadline"] = ["2026年9月30日", "2026/10/31"]
    assert client.post(url + "reply/", reply).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECTIFYING
    deadlines = sorted(m.deadline for m in Measure.objects.filter(problem__problem_list=letter.problem_list))
    assert deadlines == [dt.date(2026, 9, 30), dt.date(2026, 10, 31)]

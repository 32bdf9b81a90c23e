"""The letters board: every count equals the length of the list it links to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.rectification import actions
from taizhang.rectification.choices import LetterBucket

# The outcome depends on the date: run at a stated clock, and at every moment of `make test-dates`.
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def _count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().count("tz-letter-row")


def test_board_counts_equal_drill_down_lists(world, rect):
    rect.letter(days_ago=3)
    rect.letter(days_ago=100)  # overdue
    rect.letter(days_ago=80, recipient="construction")  # overdue
    rect.replied(days_ago=10)
    rectified = rect.letter(days_ago=20)
    actions.do_reply_letter(rectified.pk, actor=world.people["liaison"], reply="已整改", measures=[])
    rect.letter(issuer="police", code="police_notice", days_ago=2, due=timezone.now() - dt.timedelta(days=1))
    client = world.client_for("office_staff")
    response = client.get("/rectification/letters/board/")
    assert response.status_code == 200
    seen = 0
    for table in ("by_issuer", "by_recipient"):
        for row in response.context[table]:
            for cell in row["cells"]:
                assert cell["count"] == _count(client, cell["url"]), (table, row["unit"], cell["bucket"])
                seen += cell["count"]
    assert seen > 0
    issuer_rows = {
        r["unit"]: {c["bucket"]: c["count"] for c in r["cells"]} for r in response.context["by_issuer"]
    }
    assert issuer_rows["测试市检察院"] == {
        LetterBucket.ISSUED: 5,
        LetterBucket.REPLIED: 2,
        LetterBucket.RECTIFIED: 1,
        LetterBucket.OVERDUE: 2,
    }
    assert issuer_rows["测试市公安局"][LetterBucket.OVERDUE] == 1


def test_board_respects_visibility(world, rect):
    rect.letter(recipient="construction")
    rect.letter(recipient="transport")
    response = world.client_for("liaison").get("/rectification/letters/board/")
    recipients = [r["unit"] for r in response.context["by_recipient"]]
    assert recipients == ["测试市交通运输局"]

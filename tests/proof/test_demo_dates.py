"""The demo city builds at any moment, not only at the moment the other proof tests state.

The demo draws its clues' dates from the clock, so which clue each part of it picks depends on the day it is
built (`make run` builds it at the real date): once a reporter message went, as office staff, to a 保护伞 clue
drawn on that day, and the build failed. Here it is built at moments that move its choices most — the year's
last minute (the build crosses midnight into a new year), a day inside 春节 and 29 February — in the date
matrix only (`make test-dates`: each build takes about 40 s).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tests.conftest import TEST_DATES, shanghai

MOMENTS = ["2026-12-31 23:59", "2027-02-10 09:00", "2028-02-29 09:00"]


@pytest.mark.demo_dates
@pytest.mark.skipif(not TEST_DATES, reason="built at other moments in the date matrix only (make test-dates)")
@pytest.mark.parametrize("moment", MOMENTS)
def test_the_demo_city_builds_at_the_moment(db: Any, moment: str) -> None:
    with time_machine.travel(shanghai(moment), tick=True):
        before = len(getattr(mail, "outbox", []))
        out = io.StringIO()
        call_command("demo", stdout=out)
    assert len(getattr(mail, "outbox", [])) == before
    assert "回执编号" in out.getvalue()

"""Every signature and approval shows its person, time and words, on the record and in the timeline."""

from __future__ import annotations

import pytest

from taizhang.clues import actions
from taizhang.clues.choices import FindingResult


@pytest.mark.django_db
def test_the_leaders_sign_off_opinion_is_on_the_finding_and_the_timeline(world, walk):
    clue = walk.verifying()
    actions.do_record_finding(
        clue.pk, actor=world.people["handler"], result=FindingResult.UNFOUNDED, basis="查无实据"
    )
    actions.do_sign_finding(clue.pk, actor=world.people["unit_leader"], note="同意核查结论，查无实据。")
    page = world.client_for("office_staff").get(f"/clues/{clue.pk}/").content.decode()
    assert page.count("同意核查结论，查无实据。") >= 2  # the finding's line and the timeline entry
    finding_line = page.split("签字背书：")[1].split("</div>")[0]
    assert str(world.people["unit_leader"]) in finding_line and "同意核查结论" in finding_line

"""A case page tells nobody about clues they cannot see, nor the 保护伞 screening note (#16)."""

from __future__ import annotations

import pytest

from taizhang.cases import actions
from taizhang.cases.choices import OrgType, Screening
from tests.clues.conftest import Walk

pytestmark = pytest.mark.django_db

NOTE = "过筛发现某国土所干部收受好处"


@pytest.fixture
def case(world):
    walk = Walk(world)
    hidden = walk.triaged(umbrella=True, summary="某所长充当保护伞")
    plain = walk.register(summary="某团伙强揽工程")
    case = actions.do_register_case(
        actor=world.people["office_leader"],
        office=world.units["city"],
        name="张某某等人涉黑案",
        org_type=OrgType.MAFIA,
        handling_units=[world.units["police"]],
        clues=[hidden, plain],
    )
    actions.do_screen_case(
        case.pk, actor=world.people["office_staff"], result=Screening.CLUE_FOUND, note=NOTE
    )
    case.hidden_number = hidden.number
    return case


@pytest.mark.parametrize("who", ["office_staff", "group_member", "police_liaison"])
def test_the_case_page_says_nothing_of_what_the_reader_cannot_see(world, case, who):
    page = world.client_for(who).get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "不在您的查看范围" not in text
    assert case.hidden_number not in text
    assert NOTE not in text


def test_who_may_see_the_umbrella_clue_reads_the_note(world, case):
    text = world.client_for("office_leader").get(f"/cases/{case.pk}/").content.decode()
    assert NOTE in text

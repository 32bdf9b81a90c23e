"""People in a real browser: the graph draws without breaking the CSP, and the registration form's hint
answers while a subject's name is typed."""

from __future__ import annotations

import pytest

from taizhang.clues.actions import SubjectData
from taizhang.people.models import Mention
from tests.browser.conftest import session_for
from tests.clues.conftest import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_graph_draws_and_the_hint_answers(journey, world):
    clue = Walk(world).assigned(
        unit="transport", subjects=[SubjectData(name="张三", unit_name="某公司"), SubjectData(name="李四")]
    )
    zhang = Mention.objects.get(clue=clue, name="张三").entity_id
    page = journey.open_tab(session=session_for(world.people["office_staff"]))
    with journey.step("graph"):
        page.goto(f"/people/{zhang}/graph/?depth=2")
        page.wait_for_selector("#people-graph canvas")
        box = page.locator("#people-graph canvas").first.bounding_box()
        assert box is not None and box["height"] > 300
    with journey.step("hint while typing"):
        page.goto("/clues/new/")
        page.wait_for_selector("#people-hint")
        page.fill("input[name='subjects-0-name']", "張三")
        page.wait_for_selector("#people-hint .people-hint")
        assert "此人已出现在 1 条线索、0 起案件中" in page.inner_text("#people-hint")
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.errors, journey.errors

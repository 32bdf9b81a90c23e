"""Clue detail after triage: the next step first, forms with the clue's current values, 责任人 of the chosen
责任单位 only, and every deadline named by its step."""

from __future__ import annotations

import pytest

from taizhang.clues.choices import DeadlineStep
from taizhang.supervision import choices as supervision_choices


def test_deadline_steps_are_one_list():
    # Supervision names the steps from the clue's own list (no second copy to drift apart).
    assert supervision_choices.DeadlineStep is DeadlineStep


@pytest.mark.django_db
def test_after_triage_assign_comes_first_and_triage_shows_the_chosen_values(world, walk):
    clue = walk.triaged()
    page = world.client_for("office_staff").get(f"/clues/{clue.pk}/").content.decode()
    assert page.index('id="step-assign"') < page.index('id="step-triage"')
    triage = page.split('id="step-triage"')[1].split("</form>")[0]
    assert "修改分流" in triage
    assert 'value="evil" selected' in triage  # the category chosen at triage, not the blank default
    header = page.split("data-deadline>")[1].split("</dd>")[0]
    assert "（交办）" in header


@pytest.mark.django_db
def test_person_choices_follow_the_chosen_unit(world, walk):
    clue = walk.triaged()
    client = world.client_for("office_staff")
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assign = page.split('id="step-assign"')[1].split("</form>")[0]
    assert str(world.people["handler"]) not in assign.split('name="person"')[1]  # nobody before a unit
    assert 'hx-get="/clues/assign-people/"' in assign and 'hx-target="#assign_person"' in assign
    options = client.get("/clues/assign-people/", {"unit": world.units["transport"].pk}).content.decode()
    assert str(world.people["handler"]) in options and str(world.people["police_liaison"]) not in options
    assert world.client_for("liaison").get("/clues/assign-people/").status_code == 404

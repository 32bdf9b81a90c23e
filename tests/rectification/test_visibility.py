"""Sector lead units see their sector's cases, letters and rectification items; other units do not."""

from __future__ import annotations

import pytest

from taizhang.cases.models import Case
from taizhang.rectification.models import Letter, Measure, ProblemList

pytestmark = pytest.mark.django_db


def test_lead_unit_sees_its_sector(world, rect):
    from tests.cases.conftest import CaseMaker

    case = CaseMaker(world).register(sector=rect.sector, units=("police",))
    letter = rect.letter(recipient="construction")
    Letter.objects.filter(pk=letter.pk).update(sector=rect.sector)
    pl = rect.problem_list(units=("construction",), sector=rect.sector)
    lead = world.people["liaison"]  # transport leads the transport sector
    assert Case.objects.visible_to(lead).filter(pk=case.pk).exists()
    assert Letter.objects.visible_to(lead).filter(pk=letter.pk).exists()
    assert ProblemList.objects.visible_to(lead).filter(pk=pl.pk).exists()
    assert Measure.objects.visible_to(lead).filter(problem__problem_list=pl).count() == 2
    for page in (
        f"/cases/{case.pk}/",
        f"/rectification/letters/{letter.pk}/",
        f"/rectification/lists/{pl.pk}/",
    ):
        assert world.client_for("liaison").get(page).status_code == 200


def test_non_lead_unit_does_not(world, rect):
    from tests.cases.conftest import CaseMaker

    case = CaseMaker(world).register(sector=rect.sector, units=("police",))
    letter = rect.letter(recipient="transport")
    Letter.objects.filter(pk=letter.pk).update(sector=rect.sector)
    pl = rect.problem_list(units=("transport",), sector=rect.sector)
    other = world.people["other_liaison"]  # construction leads nothing
    assert not Case.objects.visible_to(other).filter(pk=case.pk).exists()
    assert not Letter.objects.visible_to(other).filter(pk=letter.pk).exists()
    assert not ProblemList.objects.visible_to(other).filter(pk=pl.pk).exists()
    assert not Measure.objects.visible_to(other).exists()
    for page in (
        f"/cases/{case.pk}/",
        f"/rectification/letters/{letter.pk}/",
        f"/rectification/lists/{pl.pk}/",
    ):
        assert world.client_for("other_liaison").get(page).status_code == 404


def test_losing_the_lead_removes_sight(world, rect):
    pl = rect.problem_list(units=("construction",), sector=rect.sector)
    rect.sector.lead_unit = None
    rect.sector.save()
    assert not ProblemList.objects.visible_to(world.people["liaison"]).filter(pk=pl.pk).exists()


def test_district_office_does_not_see_city_letters(world, rect):
    letter = rect.letter()
    assert Letter.objects.visible_to(world.people["office_staff"]).filter(pk=letter.pk).exists()
    assert not Letter.objects.visible_to(world.people["district_staff"]).filter(pk=letter.pk).exists()


def test_sector_board_counts_follow_visibility(world, rect):
    from tests.cases.conftest import CaseMaker

    CaseMaker(world).register(sector=rect.sector, units=("police",))
    rect.problem_list(units=("construction",), sector=rect.sector, deadlines=(5, -1))
    for who, expected in (("liaison", (1, 2, 1)), ("other_liaison", (0, 2, 1)), ("office_staff", (1, 2, 1))):
        response = world.client_for(who).get("/rectification/sectors/")
        assert response.status_code == 200
        row = next(r for r in response.context["rows"] if r["sector"].pk == rect.sector.pk)
        assert (row["cases"], row["measures"], row["overdue"]) == expected, who
    from django.test import Client

    assert Client().get("/rectification/sectors/").status_code == 302

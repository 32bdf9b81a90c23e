"""taizhang.core.statements.held_rows: a query compiled once gives, for any values, the rows Django gives."""

from __future__ import annotations

import pytest
from django.db.models import Case, IntegerField, Value, When

from taizhang.core import statements
from taizhang.org.models import Unit

pytestmark = pytest.mark.django_db


def _units(kind: str, rank: int):
    """Units of a kind, each with a number computed from `rank` (a value in the SELECT, not the WHERE)."""
    return (
        Unit.objects.filter(kind=kind)
        .annotate(
            rank=Case(When(kind="office", then=Value(rank)), default=Value(0), output_field=IntegerField())
        )
        .order_by("path")
        .values_list("code", "rank", "is_active")
    )


def test_the_rows_are_djangos_for_every_value(world):
    key = ("test.units", 1)
    for kind in [*sorted({unit.kind for unit in world.units.values()}), "none-such"]:
        for rank in (1, 7, 2**31 - 1):
            expected = list(_units(kind, rank))
            assert statements.held_rows(key, Unit, _units, (kind, rank)) == expected
    assert len([k for k in statements._held.statements if k[1:] == key]) == 1  # compiled once


def test_a_value_the_query_transforms_is_refused(world):
    """A lookup that rewrites its value (startswith adds the wildcard) would be given the value unchanged."""

    def under(path: str):
        return Unit.objects.filter(path__startswith=path).values_list("code")

    with pytest.raises(ValueError, match="not a parameter"):
        statements.held_rows(("test.under",), Unit, under, (world.units["city"].path,))


def test_only_numbers_and_text_stand_in():
    with pytest.raises(TypeError):
        statements._stand_in(0, True)
    with pytest.raises(TypeError):
        statements._stand_in(0, 1.5)

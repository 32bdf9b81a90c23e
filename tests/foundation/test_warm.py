"""The warm-up (taizhang.warm) that gunicorn --preload runs once before forking its workers: it must compile
every template the pages render, so the workers share them, and touch no database, since a connection opened
before the fork would be shared by every worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines

from taizhang.warm import warm_up
from tests.clues.conftest import Walk


def _loaders() -> list[Any]:
    backends: list[Any] = engines.all()
    return [loader for backend in backends for loader in backend.engine.template_loaders]


def _cached_names() -> set[str]:
    names: set[str] = set()
    for loader in _loaders():
        names |= {key.split("-")[0] for key in getattr(loader, "get_template_cache", {})}
    return names


def _reset() -> None:
    for loader in _loaders():
        loader.reset()


@pytest.mark.django_db
def test_warm_up_compiles_every_template_the_pages_use_without_a_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    _reset()
    with django_assert_num_queries(0):
        compiled = warm_up()
    warmed = _cached_names()
    assert compiled >= 100 and len(warmed) >= 100

    clue = Walk(world).transferred()
    pages = ["/", "/clues/", f"/clues/{clue.pk}/", "/supervision/", "/reports/", "/search/?q=团伙"]
    client = world.client_for("office_staff")
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert _cached_names() - warmed == set()

"""The warm-up (taizhang.warm) that gunicorn --preload runs once before forking its workers: it loads the
URLconf and the template engines but compiles no template (a worker copies the pages of each template it
renders anyway, and one compiled in the arbiter counts in every worker, rendered or not), and it touches no
database, since a connection opened before the fork would be shared by every worker."""

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
def test_warm_up_loads_the_engines_compiles_no_template_and_asks_no_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    _reset()
    with django_assert_num_queries(0):
        loaded = warm_up()
    assert loaded == len(engines.all()) + 1  # the site's engines and the form renderer's
    assert _cached_names() == set()

    # The pages compile what they render, where they render it.
    clue = Walk(world).transferred()
    pages = ["/", "/clues/", f"/clues/{clue.pk}/", "/supervision/", "/reports/", "/search/?q=团伙"]
    client = world.client_for("office_staff")
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert "core/home.html" in _cached_names()

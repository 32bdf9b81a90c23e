"""The warm-up that lets gunicorn's workers share memory (taizhang.wsgi runs it at import).

Under `gunicorn --preload` (README, docs/deployment.md) the arbiter imports the application once, loads what
every worker would otherwise load on its first requests — the URLconf with every view and the API's schemas,
the database driver, the template engine with its loaders and tag libraries — and freezes those objects
before it forks. The workers then share those pages instead of each building its own copy; `gc.freeze()`
keeps the cyclic collector from writing to them (which would copy them page by page). Without --preload it
only moves the first requests' work to start-up.

Templates are compiled where they are first rendered, not here: rendering a compiled template writes to the
reference count of each of its nodes, so a worker copies the pages of every template it renders anyway, and
every template compiled in the arbiter counted in each worker's resident size, rendered or not (bench/load.py,
2026-12-06: 195 templates compiled at start, 27 of them rendered by the run; 8 MiB more per worker at the fork,
6 MiB more after the run, the proportional size 2–3 MiB more too).
Nothing here touches the database: a connection opened before the fork would be shared by every worker.
"""

from __future__ import annotations

from importlib import import_module


def warm_up() -> int:
    """Resolve the URLconf and load the template engines (their loaders and tag libraries); returns how many
    template engines were loaded."""
    from django.conf import settings
    from django.forms.renderers import EngineMixin, get_default_renderer
    from django.template import engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - builds the resolver's tables, importing every view
    # What requests import on first use: the database driver (psycopg, ~11 MiB) with each backend, and the
    # fuzzy matcher that scores the people named by a newly registered clue.
    for database in settings.DATABASES.values():
        import_module(f"{database['ENGINE']}.base")
    import rapidfuzz.fuzz  # noqa: F401

    # Each engine imports its tag libraries when made; its loaders (and the modules they live in) are made on
    # first use. The form renderer has its own engine.
    renderer = get_default_renderer()
    backends = [*engines.all(), *([renderer.engine] if isinstance(renderer, EngineMixin) else [])]
    loaded = [backend.engine for backend in backends if isinstance(backend, DjangoTemplates)]
    for engine in loaded:
        engine.template_loaders  # noqa: B018 - makes the loaders, importing their modules
    return len(loaded)

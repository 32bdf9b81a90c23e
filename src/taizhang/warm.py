"""The warm-up that lets gunicorn's workers share memory (taizhang.wsgi runs it at import).

Under `gunicorn --preload` (README, docs/deployment.md) the arbiter imports the application once, loads what
every worker would otherwise load on its first requests — the URLconf with every view and the API's schemas,
every template compiled — and freezes those objects before it forks. The workers then share those pages
instead of each building its own copy; `gc.freeze()` keeps the cyclic collector from writing to them (which
would copy them page by page). Without --preload it only moves the first requests' work to start-up.
Nothing here touches the database: a connection opened before the fork would be shared by every worker.
"""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path

log = logging.getLogger(__name__)


def warm_up() -> int:
    """Resolve the URLconf and compile every template the site's engines can find; returns how many compiled.

    A template that does not compile here (one only the other site renders) is left to fail, as before,
    where it is rendered."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - builds the resolver's tables, importing every view
    # What requests import on first use: the database driver (psycopg, ~11 MiB) with each backend, and the
    # fuzzy matcher that scores the people named by a newly registered clue.
    for database in settings.DATABASES.values():
        import_module(f"{database['ENGINE']}.base")
    import rapidfuzz.fuzz  # noqa: F401

    compiled = 0
    for engine in engines.all():
        for folder in engine.template_dirs:
            for path in sorted(Path(folder).rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(folder).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    log.debug("warm-up skipped %s", path)
                else:
                    compiled += 1
    return compiled

"""What makes records searchable: a `SearchSource` per model, from the search app's own `clue_docs` and
`case_docs` (each `search_sources()`).

A source says, for one model, how to read all its records, what text a record is found by, where its page is,
and which records a person may see (`Model.objects.visible_to(user)`); search never shows anything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Document:
    """The searchable text of one record."""

    title: str
    body: str
    sort_at: dt.datetime | None = None


@dataclass(frozen=True)
class SearchSource:
    """How one model takes part in search."""

    model: str  # the label used in workflow_event, e.g. "clues.clue"
    label: Any  # shown beside results, e.g. _("线索") (lazy)
    records: Callable[[], QuerySet]  # every record, with what document() reads prefetched
    document: Callable[[Any], Document]
    visible: Callable[[Any], QuerySet]  # the records a user may see: Model.objects.visible_to(user)
    url_name: str = ""  # detail page, reversed with the record's pk; empty when the app has none yet
    # Also re-index on the model's post_save, for records created without a workflow_event of their own
    # (e.g. measures created with their problem list).
    index_on_save: bool = False

    def url(self, object_id: int) -> str:
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, args=[object_id])
        except NoReverseMatch:
            return ""


@cache
def all_sources() -> dict[str, SearchSource]:
    """Every source by model label."""
    from taizhang.search import case_docs, clue_docs  # they import this module

    return {source.model: source for source in [*clue_docs.search_sources(), *case_docs.search_sources()]}


def source_for(model: str) -> SearchSource | None:
    return all_sources().get(model)


def iter_sources() -> Iterable[SearchSource]:
    return all_sources().values()

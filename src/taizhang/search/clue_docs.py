"""Clues as search documents: number and summary as the title; subjects, place and facts as the body.

In the search app, above the clue ledger (clues cannot import search). The reporter is never indexed
(identities are sealed).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from taizhang.search.sources import Document, SearchSource


def _records() -> QuerySet:
    from taizhang.clues.models import Clue

    return Clue.objects.order_by("pk").prefetch_related("subjects")


def _subject_line(subject: Any) -> str:
    details = [subject.position, subject.unit_name, subject.phone_fragment, subject.id_fragment]
    extra = "，".join(d for d in details if d)
    return f"{subject.name}（{extra}）" if extra else subject.name


def _document(clue: Any) -> Document:
    subjects = "；".join(_subject_line(s) for s in clue.subjects.all())
    parts = [p for p in (subjects, clue.place, clue.facts) if p]
    return Document(title=f"{clue.number} {clue.summary}", body="\n".join(parts), sort_at=clue.received_at)


def _visible(user: Any) -> QuerySet:
    from taizhang.clues.models import Clue

    return Clue.objects.visible_to(user)


def search_sources() -> list[SearchSource]:
    """The clue source."""
    return [
        SearchSource(
            model="clues.clue",
            label=_("线索"),
            records=_records,
            document=_document,
            visible=_visible,
            url_name="clues:detail",
        )
    ]

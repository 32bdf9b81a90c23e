"""Keeping the search index current: one SearchDocument per record, its tokens folded into bigrams.

The database keeps its own full-text structure in step with search_searchdocument: FTS5 triggers on SQLite,
a generated tsvector column on PostgreSQL (both created by migration 0002).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction

from taizhang.pure.fold import bigrams
from taizhang.search.models import SearchDocument
from taizhang.search.sources import SearchSource, iter_sources, source_for

log = logging.getLogger("taizhang.search")

BATCH = 500
_TEXT_FIELDS = ["title", "body", "title_tokens", "body_tokens", "sort_at"]


def tokens(text: str) -> str:
    """The folded index tokens of a text, space-separated (what FTS5 and array_to_tsvector read)."""
    return " ".join(bigrams(text))


def _row(source: SearchSource, record: Any) -> SearchDocument:
    doc = source.document(record)
    return SearchDocument(
        model=source.model,
        object_id=record.pk,
        title=doc.title[:300],
        body=doc.body,
        title_tokens=tokens(doc.title),
        body_tokens=tokens(doc.body),
        sort_at=doc.sort_at,
    )


def index_records(source: SearchSource, records: Iterable[Any]) -> int:
    """Write (insert or replace) the documents of some records of one source; returns how many."""
    rows = [_row(source, record) for record in records]
    if rows:
        SearchDocument.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["model", "object_id"],
            update_fields=_TEXT_FIELDS,
        )
    return len(rows)


def reindex(model: str, object_id: int, *, also: Callable[[Any], object] | None = None) -> bool:
    """Bring one record's document up to date (removing it when the record is gone); False if not searchable.

    `also` runs on the loaded record in the same transaction (the duplicate keys reuse the record and its
    prefetched subjects instead of loading them again).
    """
    source = source_for(model)
    if source is None:
        return False
    record = source.records().filter(pk=object_id).first()
    with transaction.atomic():
        if record is None:
            SearchDocument.objects.filter(model=model, object_id=object_id).delete()
        else:
            index_records(source, [record])
            if also is not None:
                also(record)
    return True


def reindex_many(
    model: str, object_ids: list[int], *, also: Callable[[list[Any]], object] | None = None
) -> int:
    """`reindex` for many records of one model, BATCH at a time (one transaction and a few statements per
    batch); `also` runs on each loaded batch. Returns how many documents were written."""
    source = source_for(model)
    if source is None:
        return 0
    written = 0
    for start in range(0, len(object_ids), BATCH):
        chunk = object_ids[start : start + BATCH]
        records = list(source.records().filter(pk__in=chunk))
        with transaction.atomic():
            gone = set(chunk) - {record.pk for record in records}
            if gone:
                SearchDocument.objects.filter(model=model, object_id__in=gone).delete()
            written += index_records(source, records)
            if also is not None and records:
                also(records)
    return written


def _batches(source: SearchSource) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for record in source.records().iterator(chunk_size=BATCH):
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(progress: Any = None) -> dict[str, int]:
    """Re-create every document of every source; `progress(n)` is called per batch (a tqdm's update)."""
    counts: dict[str, int] = {}
    for source in iter_sources():
        with transaction.atomic():
            SearchDocument.objects.filter(model=source.model).delete()
            written = 0
            for batch in _batches(source):
                written += index_records(source, batch)
                if progress is not None:
                    progress(len(batch))
        counts[source.model] = written
    return counts


def total_records() -> int:
    """How many records a rebuild will write (for the progress bar)."""
    return sum(source.records().count() for source in iter_sources())

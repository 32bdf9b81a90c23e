"""The set-based first resolution of clues: a batch of never-resolved clues at a time, a few queries per batch.

It gives exactly what resolving the same clues one by one in id order (resolve.resolve_clue) gives — the same
entities, mentions and proposals with the same scores and reasons (tests/people/test_bulk.py compares them on
random ledgers) — at a cost that no longer grows with the records each name already has:

- the batch's subjects are read at once and keyed; an entity is created per subject, except that a valid full
  ID number already held (before the batch or by an earlier subject of it) names its entity;
- entities and mentions are inserted in subject order (ids rise as one-by-one resolution would give them);
- each key's oldest rows are read for all the batch's keys in one query per key column (a LATERAL join on
  the (key, id) indexes on PostgreSQL), and every subject takes, per key, the oldest MAX_KEY_ROWS rows of other
  entities older than its own mention — what resolve_clue's probe reads at that moment;
- each pair's first best score over the batch's subjects is written in one insert (and one update of the
  proposals already open with a lower score).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from taizhang.clues.models import Clue, ReportedSubject
from taizhang.core.bulk import insert_new
from taizhang.people.choices import CandidateStatus
from taizhang.people.models import Entity, Mention, MergeCandidate
from taizhang.people.resolve import (
    FOUND_FIELDS,
    Found,
    Keys,
    best_scores,
    entity_fields,
    probe_rows,
    probes_of,
    subject_fields,
    subject_keys,
)

# Rows read per key value: MAX_KEY_ROWS for the subject, as many again for its own entity's rows it skips (a
# subject whose own entity holds more of them than that is read by its own probe).
OVERREAD = 2
KEY_COLUMNS = {"name_key", "pinyin_key", "id_key", "phone_key"}
# The columns written, in entity_fields() order, with their PostgreSQL types.
ENTITY_COLUMNS = [
    ("kind", "text"),
    ("name", "text"),
    ("name_key", "text"),
    ("pinyin_key", "text"),
    ("id_number", "text"),
    ("employer", "text"),
    ("post", "text"),
]
CANDIDATE_COLUMNS = [
    ("first_id", "bigint"),
    ("second_id", "bigint"),
    ("score", "double precision"),
    ("reasons", "jsonb"),
    ("status", "text"),
    ("created_at", "timestamptz"),
]
# subject_fields()' keys, written after the entity's id (the two foreign keys as their columns).
MENTION_FIELDS = (
    "role", "clue", "subject", "name", "unit_name", "post", "id_fragment", "phone_fragment",
    "name_key", "pinyin_key", "id_key", "phone_key", "employer_key",
)  # fmt: skip
MENTION_COLUMNS = [("entity_id", "bigint")] + [
    (f"{name}_id", "bigint") if name in ("clue", "subject") else (name, "text") for name in MENTION_FIELDS
]


def _entities(keys: list[Keys]) -> tuple[list[int], set[int]]:
    """The entity of each subject: the live one holding its full valid ID, else a new one (inserted in order);
    and the ids of the new ones."""
    held = dict(
        Entity.objects.filter(id_number__in={k.full_id for k in keys if k.full_id}, merged_into=None)
        .order_by("-pk")
        .values_list("id_number", "pk")
    )
    new: list[list[object]] = []
    slot: list[tuple[bool, int]] = []  # (new?, index into `new` or an entity id)
    pending: dict[str, int] = {}
    now = timezone.now()
    for k in keys:
        if k.full_id and k.full_id in held:
            slot.append((False, held[k.full_id]))
        elif k.full_id and k.full_id in pending:
            slot.append((True, pending[k.full_id]))
        else:
            if k.full_id:
                pending[k.full_id] = len(new)
            slot.append((True, len(new)))
            new.append([*entity_fields(k).values(), now])
    ids = _insert(Entity, [*ENTITY_COLUMNS, ("created_at", "timestamptz")], new)
    return [ids[i] if is_new else i for is_new, i in slot], set(ids)


def _insert(model: type[models.Model], columns: list[tuple[str, str]], rows: list[list[object]]) -> list[int]:
    """Insert rows in one statement (per row on SQLite), their ids in order; a row skipped by a unique key (a
    registration naming the same full ID meanwhile) fails the batch, which is then resolved clue by clue."""
    ids = [row[0] for row in insert_new(f'"{model._meta.db_table}"', columns, rows, returning="id")]
    if len(ids) != len(rows):
        raise IntegrityError(f"{model._meta.db_table}: {len(rows) - len(ids)} rows taken meanwhile")
    return ids


def _first_rows(column: str, values: list[str], limit: int) -> dict[str, list[Found]]:
    """The oldest `limit` mentions of each value of `column`, oldest first."""
    out: dict[str, list[Found]] = defaultdict(list)
    if not values:
        return out
    if connection.vendor == "postgresql":
        if column not in KEY_COLUMNS:
            raise ValueError(column)
        m, e = Mention._meta.db_table, Entity._meta.db_table
        sql = (
            f"SELECT v.key, x.* FROM unnest(%s::text[]) AS v(key) CROSS JOIN LATERAL ("  # noqa: S608 - our names
            f"SELECT m.id, m.entity_id, e.kind, m.name, m.name_key, m.pinyin_key, m.id_key, m.phone_key, "
            f'm.employer_key, m.post FROM "{m}" m JOIN "{e}" e ON e.id = m.entity_id '
            f'WHERE m."{column}" = v.key ORDER BY m.id LIMIT %s) x'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [values, limit])
            for key, *row in cursor.fetchall():
                out[key].append(Found(*row))
        for listed in out.values():
            listed.sort()
    else:
        rows = (
            Mention.objects.filter(**{f"{column}__in": values})
            .annotate(rank=Window(RowNumber(), partition_by=[F(column)], order_by=F("pk").asc()))
            .filter(rank__lte=limit)
            .order_by(column, "pk")
            .values_list(*FOUND_FIELDS)
        )
        for row in rows:
            one = Found(*row)
            out[getattr(one, column)].append(one)
    return out


def _window(rows: list[Found], limit: int, own: int, before: int, cap: int) -> list[Found] | None:
    """The oldest `cap` rows of other entities than `own` older than `before`, or None when the rows read
    (the oldest `limit`) cannot tell."""
    taken: list[Found] = []
    for row in rows:
        if row.pk >= before:
            return taken
        if row.entity_id == own:
            continue
        taken.append(row)
        if len(taken) == cap:
            return taken
    return taken if len(rows) < limit else None


def _proposals(keys: list[Keys], entity_ids: list[int], mention_ids: list[int], created: set[int]) -> None:
    from taizhang.people import resolve

    cap = resolve.MAX_KEY_ROWS
    limit = cap * OVERREAD
    probes = [probes_of(k) for k in keys]
    wanted: dict[str, set[str]] = defaultdict(set)
    for subject_probes in probes:
        for column, value in subject_probes:
            wanted[column].add(value)
    rows = {column: _first_rows(column, sorted(values), limit) for column, values in wanted.items()}
    best: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for k, own, mention, subject_probes in zip(keys, entity_ids, mention_ids, probes, strict=True):
        found: dict[int, Found] = {}
        for column, value in subject_probes:
            window = _window(rows[column].get(value, []), limit, own, mention, cap)
            if window is None:
                window = probe_rows(column, value, own, before=mention)
            for row in window:
                found.setdefault(row.pk, row)
        for other, (s, reasons) in best_scores(k, own, found.values()).items():
            pair = (min(own, other), max(own, other))
            if s > best.get(pair, (0.0, []))[0]:
                best[pair] = (s, reasons)
    _write(best, created)


def _write(best: dict[tuple[int, int], tuple[float, list[str]]], created: set[int]) -> None:
    """Insert the new pairs and raise the open ones already proposed (as propose() does, pair by pair)."""
    # Only a pair of two entities older than the batch can have been proposed before.
    older = [pair for pair in best if pair[0] not in created and pair[1] not in created]
    existing: dict[tuple[int, int], MergeCandidate] = {}
    for chunk in _chunks(older, 500):
        firsts = {a for a, _b in chunk}
        seconds = {b for _a, b in chunk}
        for proposed in MergeCandidate.objects.filter(first_id__in=firsts, second_id__in=seconds):
            existing[(proposed.first_id, proposed.second_id)] = proposed
    new: list[MergeCandidate] = []
    raised: list[MergeCandidate] = []
    now = timezone.now()
    for (first, second), (s, reasons) in best.items():
        row = existing.get((first, second))
        if row is None:
            new.append(MergeCandidate(first_id=first, second_id=second, score=round(s, 3), reasons=reasons))
        elif row.status == CandidateStatus.OPEN and s > row.score:
            row.score, row.reasons = round(s, 3), reasons
            raised.append(row)
    # A pair another registration proposed meanwhile is left as it is (the unique pair, as propose() does).
    insert_new(
        f'"{MergeCandidate._meta.db_table}"',
        CANDIDATE_COLUMNS,
        [[c.first_id, c.second_id, c.score, c.reasons, c.status, now] for c in new],
        returning="id",
    )
    MergeCandidate.objects.bulk_update(raised, ["score", "reasons"], batch_size=500)


def _chunks(items: list[tuple[int, int]], size: int) -> Iterable[list[tuple[int, int]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def resolve_fresh_clues(clue_ids: list[int]) -> int:
    """Resolve clues none of whose subjects has a mention yet, as resolve_clue would one by one in id order;
    returns how many subjects it resolved."""
    clues = {c.pk: c for c in Clue.objects.filter(pk__in=clue_ids).only("pk", "is_umbrella")}
    subjects = list(ReportedSubject.objects.filter(clue_id__in=clue_ids).order_by("clue_id", "pk"))
    if not subjects:
        return 0
    keys = [subject_keys(s) for s in subjects]
    entity_ids, created = _entities(keys)
    rows = []
    for s, k, entity_id in zip(subjects, keys, entity_ids, strict=True):
        fields = subject_fields(clues[s.clue_id], s, k)
        fields["clue"], fields["subject"] = s.clue_id, s.pk
        rows.append([entity_id, *(fields[name] for name in MENTION_FIELDS)])
    mention_ids = _insert(Mention, MENTION_COLUMNS, rows)
    _proposals(keys, entity_ids, mention_ids, created)
    return len(subjects)

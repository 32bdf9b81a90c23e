"""The set-based first resolution of records: a batch of never-resolved clues (or case suspect records, or
accountability records) at a time, a few queries per batch.

It gives exactly what resolving the same records one by one in id order (resolve.resolve_clue,
resolve_suspect, resolve_accountability) gives — the same entities, mentions and proposals with the same scores
and reasons (tests/people/test_bulk.py compares them on random ledgers) — at a cost that no longer grows with
the records each name already has:

- the batch's subjects are read at once and keyed; an entity is created per subject, except that a valid full
  ID number already held (before the batch or by an earlier subject of it) names its entity;
- entities and mentions are inserted in subject order (ids rise as one-by-one resolution would give them);
- each key's oldest rows are read for all the batch's keys in one query per key column (a LATERAL join on
  the (key, id) indexes on PostgreSQL), and every subject takes, per key, the oldest MAX_KEY_ROWS rows of other
  entities older than its own mention — what resolve_clue's probe reads at that moment;
- each pair's first best score over the batch's subjects is written in one insert (and one update of the
  proposals already open with a lower score). A clue's subject always seeks proposals; a case's record only
  when it made a new entity (one joining an entity by its full ID proposes nothing, as one by one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from taizhang.cases.models import Accountability, CaseSuspect
from taizhang.core.bulk import insert_new
from taizhang.people.choices import CandidateStatus
from taizhang.people.models import Entity, Mention, MergeCandidate
from taizhang.people.resolve import (
    FOUND_FIELDS,
    Found,
    Keys,
    accountability_record,
    best_scores,
    clue_subjects,
    entity_fields,
    probe_rows,
    probes_of,
    subject_fields,
    subject_keys,
    suspect_record,
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
# A mention's columns after its entity's id: the records it names, then what the record wrote and its keys.
MENTION_LINKS = ("clue_id", "subject_id", "case_id", "accountability_id", "suspect_id")
MENTION_TEXT = (
    "role", "name", "unit_name", "post", "id_fragment", "phone_fragment",
    "name_key", "pinyin_key", "id_key", "phone_key", "employer_key",
)  # fmt: skip
MENTION_COLUMNS = [
    ("entity_id", "bigint"),
    *((name, "bigint") for name in MENTION_LINKS),
    *((name, "text") for name in MENTION_TEXT),
]


def _mention_row(entity_id: int, fields: dict[str, object]) -> list[object]:
    """A mention's row in MENTION_COLUMNS order, from its columns as the one-by-one path writes them."""
    return [
        entity_id,
        *(fields.get(name) for name in MENTION_LINKS),
        *(fields.get(name, "") for name in MENTION_TEXT),
    ]


def _entities(keys: list[Keys]) -> tuple[list[int], set[int], list[bool]]:
    """The entity of each subject: the live one holding its full valid ID, else a new one (inserted in order);
    the ids of the new ones; and whether each subject made its entity (rather than joined one by its ID)."""
    held = dict(
        Entity.objects.filter(id_number__in={k.full_id for k in keys if k.full_id}, merged_into=None)
        .order_by("-pk")
        .values_list("id_number", "pk")
    )
    new: list[list[object]] = []
    slot: list[tuple[bool, int]] = []  # (new?, index into `new` or an entity id)
    made: list[bool] = []
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
            made.append(True)
            continue
        made.append(False)
    ids = _insert(Entity, [*ENTITY_COLUMNS, ("created_at", "timestamptz")], new)
    return [ids[i] if is_new else i for is_new, i in slot], set(ids), made


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


def _proposals(
    keys: list[Keys], entity_ids: list[int], mention_ids: list[int], created: set[int], proposing: list[bool]
) -> None:
    """The proposals of the subjects that seek them (`proposing`), each against what its probe would read."""
    from taizhang.people import resolve

    cap = resolve.MAX_KEY_ROWS
    limit = cap * OVERREAD
    probes = [probes_of(k) if seeks else [] for k, seeks in zip(keys, proposing, strict=True)]
    wanted: dict[str, set[str]] = defaultdict(set)
    for subject_probes in probes:
        for column, value in subject_probes:
            wanted[column].add(value)
    rows = {column: _first_rows(column, sorted(values), limit) for column, values in wanted.items()}
    best: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for k, own, mention, subject_probes, seeks in zip(
        keys, entity_ids, mention_ids, probes, proposing, strict=True
    ):
        if not seeks:
            continue
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


def _resolve_fresh(keys: list[Keys], fields: list[dict[str, object]], *, every_proposes: bool) -> int:
    """Entities, mentions and proposals of records none of which has a mention yet, in their order. A clue's
    subject always seeks proposals (resolve_clue); a case's record only when it made a new entity
    (resolve._resolve_record)."""
    if not keys:
        return 0
    entity_ids, created, made = _entities(keys)
    rows = [_mention_row(entity_id, f) for entity_id, f in zip(entity_ids, fields, strict=True)]
    mention_ids = _insert(Mention, MENTION_COLUMNS, rows)
    _proposals(keys, entity_ids, mention_ids, created, [True] * len(keys) if every_proposes else made)
    return len(keys)


@transaction.atomic
def resolve_fresh_clues(clue_ids: list[int]) -> int:
    """Resolve clues none of whose subjects has a mention yet, as resolve_clue would one by one in id order;
    returns how many subjects it resolved."""
    subjects = clue_subjects(clue_ids)
    keys = [subject_keys(s) for s, _umbrella in subjects]
    fields = [subject_fields(umbrella, s, k) for (s, umbrella), k in zip(subjects, keys, strict=True)]
    return _resolve_fresh(keys, fields, every_proposes=True)


@transaction.atomic
def resolve_fresh_suspects(row_ids: list[int]) -> int:
    """Resolve case suspect records without a mention, as resolve_suspect would one by one in id order."""
    records = [suspect_record(row) for row in CaseSuspect.objects.filter(pk__in=row_ids).order_by("pk")]
    return _resolve_fresh([k for k, _f in records], [f for _k, f in records], every_proposes=False)


@transaction.atomic
def resolve_fresh_accountability(row_ids: list[int]) -> int:
    """Resolve accountability records without a mention, as resolve_accountability would one by one."""
    rows = Accountability.objects.filter(pk__in=row_ids).select_related("check_row").order_by("pk")
    records = [accountability_record(row, row.check_row.case_id) for row in rows]
    return _resolve_fresh([k for k, _f in records], [f for _k, f in records], every_proposes=False)

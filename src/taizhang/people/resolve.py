"""Resolution: which entity each record's subject is, and which entities are probably one.

Resolution proposes; a person decides. A subject becomes a mention of a new entity, except when its whole
valid 18-digit ID number is already an entity's (the one silent merge). Then its keys (folded name, pinyin,
ID fragment, phone, employer) are looked up in the mention indexes and each entity found is scored with
rapidfuzz; pairs above PROPOSE become MergeCandidates carrying their reasons.

Mentions are a derived index of the records (like the search keys): they are written without audit rows;
merges, unmerges and relations, which people decide, are audited (people/actions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q, Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from taizhang.cases.models import Accountability, CaseSuspect
from taizhang.clues.models import Clue, ReportedSubject
from taizhang.core.memory import release_freed
from taizhang.people.choices import CandidateStatus, EntityKind, MentionRole
from taizhang.people.models import Entity, Mention, MergeCandidate
from taizhang.pure.names import digits_key, fold_name, full_id, id_key, pinyin_key

# A pair is proposed to people at this score (0–1); same folded name alone (0.35) is not enough.
PROPOSE = 0.5
# How many mention rows one key may bring back (a very common name must not flood resolution): the oldest ones,
# so that the set-based first pass (people/bulk.py) finds exactly what one-by-one resolution finds.
MAX_KEY_ROWS = 200
BATCH = 500


@dataclass(frozen=True)
class Keys:
    """A subject as resolution compares it."""

    kind: str
    name: str
    name_key: str
    pinyin_key: str
    id_key: str
    full_id: str
    phone_key: str
    employer_key: str
    post: str


def keys_of(kind: str, name: str, unit_name: str, post: str, id_fragment: str, phone: str) -> Keys:
    return Keys(
        kind=kind,
        name=name,
        name_key=fold_name(name),
        pinyin_key=pinyin_key(name),
        id_key=id_key(id_fragment),
        full_id=full_id(id_fragment),
        phone_key=digits_key(phone),
        employer_key=fold_name(unit_name)[:120],
        post=fold_name(post),
    )


def _ids_compatible(a: str, b: str) -> bool:
    """Whether two ID keys can be one number: equal where both are known (masks '*' match anything), the
    shorter one read as a tail (people quote the last digits)."""
    if not a or not b:
        return False
    if len(a) == len(b):
        return all(x == y or "*" in (x, y) for x, y in zip(a, b, strict=True))
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return "*" not in short and long_.endswith(short)


class Found(NamedTuple):
    """An existing mention as scoring reads it (a tuple: probes bring back hundreds of rows per subject)."""

    pk: int
    entity_id: int
    entity_kind: str
    name: str
    name_key: str
    pinyin_key: str
    id_key: str
    phone_key: str
    employer_key: str
    post: str


FOUND_FIELDS = [
    "pk",
    "entity_id",
    "entity__kind",
    "name",
    "name_key",
    "pinyin_key",
    "id_key",
    "phone_key",
    "employer_key",
    "post",
]


def score(k: Keys, other: Found) -> tuple[float, list[str]]:
    """How likely a subject and an existing mention are one entity, and why (reasons in Chinese)."""
    from rapidfuzz import fuzz  # loaded by the first pair scored, not by every server process

    reasons: list[str] = []
    total = 0.0
    other_full = full_id(other.id_key) if len(other.id_key) == 18 else ""
    if k.full_id and other_full and k.full_id != other_full:
        return 0.0, []  # two different valid ID numbers: two people, whatever their names
    if k.id_key and other.id_key and _ids_compatible(k.id_key, other.id_key):
        total += 0.45
        reasons.append(_("身份证号（部分）一致"))
    if (
        k.phone_key
        and other.phone_key
        and (
            k.phone_key == other.phone_key
            or (
                min(len(k.phone_key), len(other.phone_key)) >= 4
                and (k.phone_key.endswith(other.phone_key) or other.phone_key.endswith(k.phone_key))
            )
        )
    ):
        total += 0.35
        reasons.append(_("电话号码一致"))
    if k.name_key and k.name_key == other.name_key:
        # An organisation's full name (某某砂石有限公司) says far more than a person's two or three characters.
        both_organisations = k.kind == other.entity_kind == EntityKind.ORGANISATION
        total += 0.5 if both_organisations and len(k.name_key) >= 4 else 0.35
        reasons.append(_("姓名相同（繁简、全半角、空格归一后）") if k.name != other.name else _("姓名相同"))
    elif k.pinyin_key and k.pinyin_key == other.pinyin_key:
        total += 0.25
        reasons.append(_("姓名同音"))
    else:
        similar = fuzz.ratio(k.name_key, other.name_key)
        if similar >= 80:
            total += 0.2 * similar / 100
            reasons.append(_("姓名相近（%(n)d%%）") % {"n": int(similar)})
    if k.employer_key and other.employer_key:
        similar = fuzz.token_set_ratio(k.employer_key, other.employer_key)
        if similar >= 85:
            total += 0.2
            reasons.append(_("所在单位相同"))
    if k.post and other.post and fold_name(other.post) == k.post:
        total += 0.1
        reasons.append(_("职务相同"))
    return min(total, 1.0), reasons


@lru_cache(maxsize=8192)
def _score_of(k: Keys, tail: tuple[str, ...], language: str | None) -> tuple[float, tuple[str, ...]]:
    """score(), remembered: a common name meets the same few spellings, units and fragments again and again."""
    s, reasons = score(k, Found(0, 0, *tail))
    return s, tuple(reasons)


def probes_of(k: Keys) -> list[tuple[str, str]]:
    """The (indexed column, value) pairs a subject is looked up by, in the order their rows are read."""
    probes = [("name_key", k.name_key)] if k.name_key else []
    if k.pinyin_key:
        probes.append(("pinyin_key", k.pinyin_key))
    if k.id_key and len(k.id_key.replace("*", "")) >= 6:
        probes.append(("id_key", k.id_key))
    if k.phone_key and len(k.phone_key) >= 7:
        probes.append(("phone_key", k.phone_key))
    return probes


def _probe(column: str, value: str, exclude_entity: int, before: int | None = None) -> models.QuerySet:
    """The oldest MAX_KEY_ROWS mentions (of other entities) holding `value` in `column`, from its index."""
    rows = Mention.objects.filter(**{column: value}).exclude(entity_id=exclude_entity)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return rows.order_by("pk")


def probe_rows(column: str, value: str, exclude_entity: int, before: int | None = None) -> list[Found]:
    """The oldest MAX_KEY_ROWS mentions (of other entities) holding `value` in `column`, from its index."""
    rows = _probe(column, value, exclude_entity, before)
    return [Found(*row) for row in rows.values_list(*FOUND_FIELDS)[:MAX_KEY_ROWS]]


def _found_by_keys(k: Keys, exclude_entity: int) -> list[Found]:
    """Existing mentions sharing any key with the subject, from the indexes (each key capped), in the order
    the probes read them: by key, then oldest first."""
    probes = probes_of(k)
    found: dict[int, Found] = {}
    if len(probes) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # Every key's rows in one round trip (UNION ALL of the capped probes), put back in probe order.
        parts = [
            _probe(column, value, exclude_entity)
            .annotate(probe=Value(i))
            .values_list(*FOUND_FIELDS, "probe")[:MAX_KEY_ROWS]
            for i, (column, value) in enumerate(probes)
        ]
        read = sorted(parts[0].union(*parts[1:], all=True), key=lambda row: (row[-1], row[0]))
        for *row, _probe_index in read:
            found.setdefault(row[0], Found(*row))
        return list(found.values())
    for column, value in probes:
        for one in probe_rows(column, value, exclude_entity):
            found.setdefault(one.pk, one)
    return list(found.values())


def best_scores(k: Keys, entity_id: int, found: Iterable[Found]) -> dict[int, tuple[float, list[str]]]:
    """The best score (and its reasons) of each other entity among `found`, those at PROPOSE or above."""
    best: dict[int, tuple[float, list[str]]] = {}
    language = get_language()  # once, not per row (a common name brings hundreds)
    for m in found:
        if m.entity_id == entity_id:
            continue
        s, reasons = _score_of(k, tuple(m[2:]), language)
        if s >= PROPOSE and s > best.get(m.entity_id, (0.0, []))[0]:
            best[m.entity_id] = (s, list(reasons))
    return best


def propose(entity: Entity, k: Keys, *, new_entity: bool = False) -> int:
    """Write (or raise the score of) merge proposals between `entity` and entities sharing keys with it.
    `new_entity`: created in this transaction, so no pair with it is proposed yet (nothing to read)."""
    best = best_scores(k, entity.pk, _found_by_keys(k, entity.pk))
    if not best:
        return 0
    # The pairs already proposed, in one read; the new ones written in one insert.
    existing = (
        {}
        if new_entity
        else {
            (row.first_id, row.second_id): row
            for row in MergeCandidate.objects.filter(
                Q(first_id=entity.pk, second_id__in=list(best))
                | Q(second_id=entity.pk, first_id__in=list(best))
            )
        }
    )
    new = []
    for other, (s, reasons) in best.items():
        first, second = min(entity.pk, other), max(entity.pk, other)
        row = existing.get((first, second))
        if row is None:
            new.append(MergeCandidate(first_id=first, second_id=second, score=round(s, 3), reasons=reasons))
        elif row.status == CandidateStatus.OPEN and s > row.score:
            row.score, row.reasons = round(s, 3), reasons
            row.save(update_fields=["score", "reasons"])
    # A pair another registration proposed meanwhile is left as it is (the unique pair constraint).
    MergeCandidate.objects.bulk_create(new, ignore_conflicts=True)
    written = len(new)
    return written


def _live(entity_id: int) -> int:
    """The entity an id stands for now (following merges)."""
    seen = set()
    current = entity_id
    while True:
        nxt = Entity.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if not nxt or current in seen:
            return current
        seen.add(current)
        current = nxt


def entity_fields(k: Keys) -> dict[str, str]:
    """A new entity's columns, from the first subject naming it."""
    return {
        "kind": k.kind if k.kind in EntityKind.values else EntityKind.PERSON,
        "name": k.name[:100],
        "name_key": k.name_key,
        "pinyin_key": k.pinyin_key,
        "id_number": k.full_id,
        "employer": k.employer_key[:120],
        "post": k.post[:100],
    }


def subject_keys(s: ReportedSubject) -> Keys:
    return keys_of(s.kind, s.name, s.unit_name, s.position, s.id_fragment, s.phone_fragment)


def clue_subjects(clue_ids: list[int]) -> list[tuple[ReportedSubject, bool]]:
    """The subjects of these clues in resolution order, each with whether its clue is a 保护伞 clue (one read)."""
    rows = (
        ReportedSubject.objects.filter(clue_id__in=clue_ids)
        .annotate(umbrella=F("clue__is_umbrella"))
        .order_by("clue_id", "pk")
    )
    return [(s, bool(s.umbrella)) for s in rows]


def subject_fields(umbrella: bool, s: ReportedSubject, k: Keys) -> dict[str, object]:
    """A clue subject's mention columns (but its entity); `umbrella`: its clue is a 保护伞 clue."""
    return {
        "role": MentionRole.UMBRELLA if umbrella and s.is_official else MentionRole.REPORTED,
        "clue_id": s.clue_id,
        "subject_id": s.pk,
        "name": s.name[:100],
        "unit_name": s.unit_name[:120],
        "post": s.position[:100],
        "id_fragment": s.id_fragment,
        "phone_fragment": s.phone_fragment,
        "name_key": k.name_key,
        "pinyin_key": k.pinyin_key,
        "id_key": k.id_key,
        "phone_key": k.phone_key,
        "employer_key": k.employer_key,
    }


def _entity_for(k: Keys, reuse: int | None) -> tuple[Entity, bool]:
    """The entity a subject is: the one holding its valid full ID, else the one it had before an edit, else new."""
    if k.full_id:
        same = Entity.objects.filter(id_number=k.full_id, merged_into=None).order_by("pk").first()
        if same is not None:
            return same, False
    if reuse is not None:
        entity = Entity.objects.get(pk=_live(reuse))
        if k.full_id and not entity.id_number:
            # Only if no other live entity holds the number (then the first branch above took it).
            entity.id_number = k.full_id
            entity.save(update_fields=["id_number"])
        return entity, False
    fields = entity_fields(k)
    if not k.full_id:
        return Entity.objects.create(**fields), True
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: losing the race below leaves the caller's transaction usable
            return Entity.objects.create(**fields), True
    except IntegrityError:
        # Another registration of the same ID number created its entity first (entity_live_id_number).
        return Entity.objects.get(id_number=k.full_id, merged_into=None), False


@transaction.atomic
def resolve_clue(clue_id: int) -> int:
    """Bring a clue's mentions in line with its subjects (after registration or an edit); returns how many
    subjects it resolved. A subject kept through an edit keeps its entity (and any merge decided on it)."""
    subjects = clue_subjects([clue_id])
    if not subjects and not Clue.objects.filter(pk=clue_id).exists():
        return 0
    old = list(Mention.objects.select_for_update().filter(clue_id=clue_id))
    by_subject = {m.subject_id: m for m in old if m.subject_id}
    # Rows from before an edit (their subject rows were written afresh): matched again by name and ID.
    loose = [m for m in old if m.subject_id is None or m.subject_id not in {s.pk for s, _u in subjects}]
    keep: set[int] = set()
    for s, umbrella in subjects:
        k = subject_keys(s)
        mention = by_subject.get(s.pk)
        if mention is None:
            mention = next(
                (m for m in loose if m.name_key == k.name_key and m.id_key == k.id_key and m.pk not in keep),
                None,
            )
        reuse = mention.entity_id if mention else None
        entity, created = _entity_for(k, reuse)
        fields = {"entity": entity, **subject_fields(umbrella, s, k)}
        if mention is None:
            mention = Mention.objects.create(**fields)
        else:
            for name, value in fields.items():
                setattr(mention, name, value)
            mention.save()
        keep.add(mention.pk)
        if created or reuse is None:
            propose(entity, k, new_entity=created)
    if old:  # a first resolution has nothing left over
        Mention.objects.filter(clue_id=clue_id).exclude(pk__in=keep).delete()
    return len(subjects)


def record_keys(fields: dict[str, object], k: Keys) -> dict[str, object]:
    """A case record's mention columns (but its entity): what the record wrote, with the subject's keys."""
    return {
        **fields,
        "name_key": k.name_key,
        "pinyin_key": k.pinyin_key,
        "id_key": k.id_key,
        "phone_key": k.phone_key,
        "employer_key": k.employer_key,
    }


def accountability_record(row: Accountability, case_id: int) -> tuple[Keys, dict[str, object]]:
    """The keys and mention columns of the official an accountability record (问责) names."""
    k = keys_of(EntityKind.PERSON, row.person_name, row.unit_name, row.post, "", "")
    fields = {
        "role": MentionRole.HELD_TO_ACCOUNT,
        "case_id": case_id,
        "accountability_id": row.pk,
        "name": row.person_name[:100],
        "unit_name": row.unit_name[:120],
        "post": row.post[:100],
    }
    return k, record_keys(fields, k)


def suspect_record(row: CaseSuspect) -> tuple[Keys, dict[str, object]]:
    """The keys and mention columns of the person a case's suspect record names (犯罪嫌疑人)."""
    k = keys_of(EntityKind.PERSON, row.name, "", "", row.id_fragment, row.phone_fragment)
    fields = {
        "role": MentionRole.SUSPECT,
        "case_id": row.case_id,
        "suspect_id": row.pk,
        "name": row.name[:100],
        "id_fragment": row.id_fragment,
        "phone_fragment": row.phone_fragment,
    }
    return k, record_keys(fields, k)


def _resolve_record(lookup: dict[str, int], k: Keys, fields: dict[str, object]) -> None:
    """Write the one mention a case's record (an accountability or a suspect row) gives its entity; a new
    entity's proposals are sought (a record joining an entity by its full ID proposes nothing)."""
    mention = Mention.objects.select_for_update().filter(**lookup).first()
    entity, created = _entity_for(k, mention.entity_id if mention else None)
    if mention is None:
        Mention.objects.create(entity=entity, **fields)
    else:
        Mention.objects.filter(pk=mention.pk).update(**fields, entity=entity)
    if created:
        propose(entity, k, new_entity=True)


@transaction.atomic
def resolve_accountability(row_id: int) -> bool:
    """Resolve the person an accountability record (问责) names: an official, a 保护伞 part of a case."""
    row = Accountability.objects.select_related("check_row").filter(pk=row_id).first()
    if row is None:
        return False
    _resolve_record({"accountability_id": row_id}, *accountability_record(row, row.check_row.case_id))
    return True


@transaction.atomic
def resolve_suspect(row_id: int) -> bool:
    """Resolve the person a case's suspect record names (犯罪嫌疑人), by name, ID and phone fragments."""
    row = CaseSuspect.objects.filter(pk=row_id).first()
    if row is None:
        return False
    _resolve_record({"suspect_id": row_id}, *suspect_record(row))
    return True


def resolve_clues(clue_ids: list[int]) -> None:
    """Resolve these clues in id order: the ones never resolved set-based, the others one by one."""
    _resolve_ids(_tables()[0], sorted(clue_ids), one_by_one=False)


def resolve_case_suspects(case_id: int) -> int:
    """Resolve every suspect record of a case (after one is added or changed; the new ones set-based);
    returns how many."""
    ids = list(CaseSuspect.objects.filter(case_id=case_id).order_by("pk").values_list("pk", flat=True))
    _resolve_ids(_tables()[1], ids, one_by_one=False)
    return len(ids)


class _Table(NamedTuple):
    """A table of records naming persons: the mention column naming a row, and its two resolutions."""

    model: type[models.Model]
    link: str
    one: Callable[[int], object]
    fresh: Callable[[list[int]], int]


def _tables() -> tuple[_Table, _Table, _Table]:
    """Clues, then case suspects, then accountability records (the order resolve_all goes in)."""
    from taizhang.people import bulk

    return (
        _Table(Clue, "clue_id", resolve_clue, bulk.resolve_fresh_clues),
        _Table(CaseSuspect, "suspect_id", resolve_suspect, bulk.resolve_fresh_suspects),
        _Table(
            Accountability, "accountability_id", resolve_accountability, bulk.resolve_fresh_accountability
        ),
    )


def _resolve_ids(table: _Table, ids: list[int], *, one_by_one: bool) -> None:
    """Resolve these rows in id order: each run of rows never resolved set-based (people/bulk.py, one
    transaction per run), the others one by one (re-read after an edit)."""
    resolved = (
        set()
        if one_by_one
        else set(
            Mention.objects.filter(**{f"{table.link}__in": ids}).values_list(table.link, flat=True).distinct()
        )
    )
    for fresh, run in groupby(ids, key=lambda pk: not one_by_one and pk not in resolved):
        run_ids = list(run)
        try:
            if fresh:
                table.fresh(run_ids)
                continue
        except IntegrityError:
            pass  # a registration took one of the run's ID numbers meanwhile: one by one, as it would
        for pk in run_ids:
            table.one(pk)


def _resolve_table(table: _Table, batch: int, tick: Callable[[int], None], one_by_one: bool) -> int:
    """Resolve every row of one table by keyset batches of ids (constant memory)."""
    last, rows = 0, 0
    while True:
        ids = list(
            table.model._default_manager.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return rows
        _resolve_ids(table, ids, one_by_one=one_by_one)
        rows += len(ids)
        last = ids[-1]
        release_freed()  # what the batch freed, back to the system (a fifth less creep; docs/people.md)
        tick(len(ids))


def resolve_all(
    progress: Callable[[int, int], None] | None = None, *, batch: int = BATCH, one_by_one: bool = False
) -> dict[str, int]:
    """Resolve the whole ledger (clues, then cases' suspects and accountability records) in batches of ids
    read by keyset (constant memory). Records never resolved are resolved a batch at a time, set-based; the
    rest one record per transaction: running it again only re-reads what is already resolved. `one_by_one`
    resolves every record alone (what the set-based pass must equal)."""
    total = Clue.objects.count() + CaseSuspect.objects.count() + Accountability.objects.count()
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    if progress:
        progress(0, total)
    clues, suspects, rows = (_resolve_table(table, batch, tick, one_by_one) for table in _tables())
    return {
        "clues": clues,
        "suspects": suspects,
        "accountability": rows,
        "entities": Entity.objects.filter(merged_into=None).count(),
    }

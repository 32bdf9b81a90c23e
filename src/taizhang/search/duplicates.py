"""Duplicate and related clues (串并): stored keys per clue, candidates with the reasons they were found.

Each clue keeps its keys in ClueKey (one indexed bigint per feature): the 32 MinHash band keys of its facts,
each subject's folded name+unit, and each phone and ID fragment. A new or edited clue's keys are looked up in
one indexed query; the clues sharing keys are restricted to those the viewer may see, and facts-only matches
are verified with the exact Jaccard similarity of their character bigrams. Nothing is ever merged here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any

from django.db import connections, router, transaction
from django.utils.translation import gettext as _

from taizhang.pure.fold import fold
from taizhang.pure.minhash import band_keys, jaccard, shingles, signature
from taizhang.search.models import ClueKey

Kind = ClueKey.Kind
# Facts shorter than this (in folded characters) say too little to compare.
MIN_FACT_SHINGLES = 8
# Exact Jaccard of facts above which two clues are "near-identical".
NEAR_IDENTICAL = 0.6
# How many key rows one lookup reads at most (a very common key must not flood the query).
MAX_KEY_ROWS = 3000
# How many of the strongest candidates are checked for visibility and verified.
MAX_CHECKED = 30
_SPACE_RE = re.compile(r"\s+")
_FRAGMENT_RE = re.compile(r"[^0-9A-Za-z*]")


@dataclass
class Probe:
    """What is known of a clue (registered, or still a form being filled in) for finding duplicates."""

    facts: str = ""
    subjects: list[tuple[str, str]] = field(default_factory=list)  # (name, unit name)
    phones: list[str] = field(default_factory=list)
    id_fragments: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    """A clue that is probably the same matter, with the reasons it was found."""

    clue: Any
    reasons: list[str]
    similarity: float
    linked: bool = False


def probe_of(clue: Any) -> Probe:
    """The probe of a registered clue."""
    subjects = list(clue.subjects.all())
    return Probe(
        facts=clue.facts,
        subjects=[(s.name, s.unit_name) for s in subjects],
        phones=[s.phone_fragment for s in subjects if s.phone_fragment],
        id_fragments=[s.id_fragment for s in subjects if s.id_fragment],
    )


def _hash64(kind: str, value: str) -> int:
    digest = blake2b(f"{kind}\0{value}".encode(), digest_size=8, person=b"tz-clue-key").digest()
    return int.from_bytes(digest, "big", signed=True)


def _fragment(value: str) -> str:
    """Digits (and masking stars) of a phone or ID fragment; too short to mean anything → ''."""
    cleaned = _FRAGMENT_RE.sub("", fold(value)).upper()
    return cleaned if sum(ch.isalnum() for ch in cleaned) >= 4 else ""


def keys_of(probe: Probe) -> list[tuple[str, int, str]]:
    """(kind, key, what it stands for) for every feature of the probe."""
    keys: dict[int, tuple[str, int, str]] = {}
    if len(shingles(probe.facts)) >= MIN_FACT_SHINGLES:
        for band in band_keys(signature(probe.facts)):
            key = _hash64(Kind.BAND, band)
            keys[key] = (Kind.BAND, key, "")
    for name, unit_name in probe.subjects:
        folded_name = _SPACE_RE.sub("", fold(name or ""))
        folded_unit = _SPACE_RE.sub("", fold(unit_name or ""))
        # A name alone (often a pseudonym like 王某) says little; the name together with the unit does.
        if not folded_name or not folded_unit:
            continue
        key = _hash64(Kind.NAME_UNIT, f"{folded_name}|{folded_unit}")
        keys[key] = (Kind.NAME_UNIT, key, f"{name}（{unit_name}）")
    for kind, values in ((Kind.PHONE, probe.phones), (Kind.ID, probe.id_fragments)):
        for value in values:
            fragment = _fragment(value or "")
            if fragment:
                key = _hash64(kind, fragment)
                keys[key] = (kind, key, value.strip())
    return list(keys.values())


@transaction.atomic
def store_keys(clue: Any) -> int:
    """Replace a clue's stored keys with those of its current facts and subjects."""
    return replace_keys(clue)


def replace_keys(clue: Any) -> int:
    """store_keys inside the caller's transaction (no savepoint of its own)."""
    ClueKey.objects.filter(clue_id=clue.pk).delete()
    return insert_keys(clue)


def insert_keys(clue: Any) -> int:
    """Store the keys of a clue that has none yet (just registered)."""
    rows = [ClueKey(clue_id=clue.pk, kind=kind, key=key) for kind, key, _label in keys_of(probe_of(clue))]
    ClueKey.objects.bulk_create(rows)
    return len(rows)


def insert_keys_many(clues: list[Any]) -> int:
    """insert_keys for many just-registered clues: one COPY on PostgreSQL, bulk inserts elsewhere.

    About 35 keys per clue: a package of clues makes tens of thousands of rows, and building a model instance
    per row was most of the ferry import's cost after its commit (bench/ferry.py --profile)."""
    rows = [(clue.pk, kind, key) for clue in clues for kind, key, _label in keys_of(probe_of(clue))]
    connection = connections[router.db_for_write(ClueKey)]
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {ClueKey._meta.db_table} (clue_id, kind, key) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        ClueKey.objects.bulk_create(
            [ClueKey(clue_id=clue_id, kind=kind, key=key) for clue_id, kind, key in rows], batch_size=1000
        )
    return len(rows)


def replace_keys_many(clues: list[Any]) -> int:
    """replace_keys for many clues."""
    ClueKey.objects.filter(clue_id__in=[clue.pk for clue in clues]).delete()
    return insert_keys_many(clues)


def _reason(kind: str, labels: list[str]) -> str:
    shown = "、".join(dict.fromkeys(label for label in labels if label))
    text = {
        Kind.NAME_UNIT: _("被举报人姓名及单位相同"),
        Kind.PHONE: _("电话号码相同"),
        Kind.ID: _("身份证号相同"),
    }[Kind(kind)]
    return f"{text}：{shown}" if shown else text


def candidates(user: Any, probe: Probe, *, exclude_id: int | None = None, limit: int = 10) -> list[Candidate]:
    """Clues the user may see that probably concern the same matter, strongest first, with reasons."""
    from taizhang.clues.choices import ClueStatus
    from taizhang.clues.models import Clue, ClueLink

    keys = keys_of(probe)
    if not keys:
        return []
    label_of = {key: (kind, label) for kind, key, label in keys}
    rows = ClueKey.objects.filter(key__in=list(label_of))
    if exclude_id is not None:
        rows = rows.exclude(clue_id=exclude_id)
    shared: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for clue_id, key in rows.values_list("clue_id", "key")[:MAX_KEY_ROWS]:
        kind, label = label_of[key]
        shared[clue_id][kind].append(label)
    if not shared:
        return []

    def strength(clue_id: int) -> tuple[int, int]:
        kinds = shared[clue_id]
        return (sum(1 for k in kinds if k != Kind.BAND), len(kinds.get(Kind.BAND, [])))

    strongest = sorted(shared, key=strength, reverse=True)[:MAX_CHECKED]
    visible = (
        Clue.objects.visible_to(user)
        .filter(pk__in=strongest)
        .exclude(status=ClueStatus.MERGED)
        .select_related("office")
        .only("pk", "number", "summary", "facts", "status", "received_at", "office__name")
    )
    linked: set[int] = set()
    if exclude_id is not None:
        linked.update(ClueLink.objects.filter(from_clue_id=exclude_id).values_list("to_clue_id", flat=True))
        linked.update(ClueLink.objects.filter(to_clue_id=exclude_id).values_list("from_clue_id", flat=True))
    found: list[Candidate] = []
    for clue in visible:
        kinds = shared[clue.pk]
        similarity = jaccard(probe.facts, clue.facts) if Kind.BAND in kinds else 0.0
        reasons = [_reason(kind, labels) for kind, labels in kinds.items() if kind != Kind.BAND]
        if similarity >= NEAR_IDENTICAL:
            reasons.append(_("反映内容高度相似（相似度 %(p)d%%）") % {"p": round(similarity * 100)})
        if reasons:
            found.append(
                Candidate(clue=clue, reasons=reasons, similarity=similarity, linked=clue.pk in linked)
            )
    found.sort(key=lambda c: (len(c.reasons), c.similarity, c.clue.received_at), reverse=True)
    return found[:limit]


def rebuild_keys(progress: Any = None, batch: int = 500) -> int:
    """Recompute every clue's keys (after an import that bypassed the actions, or a change of the method)."""
    from taizhang.clues.models import Clue

    written = 0
    pending: list[ClueKey] = []
    with transaction.atomic():
        ClueKey.objects.all().delete()
        for clue in Clue.objects.order_by("pk").prefetch_related("subjects").iterator(chunk_size=batch):
            pending += [ClueKey(clue_id=clue.pk, kind=k, key=key) for k, key, _l in keys_of(probe_of(clue))]
            written += 1
            if len(pending) >= batch * 10:
                ClueKey.objects.bulk_create(pending)
                pending = []
            if progress is not None:
                progress(1)
        ClueKey.objects.bulk_create(pending)
    return written

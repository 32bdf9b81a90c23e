"""The read side: what a person may learn about entities, always computed from the records they may see.

One function decides which mentions a person sees (`visible_mentions`): a clue's mentions through
`Clue.objects.visible_to`, an accountability record's through `Accountability.objects.visible_to` (which
already keeps the 保护伞 part to those who see it), a case's suspect records through `Case.objects.visible_to`.
Everything here — an entity's names, roles, records, counts, relations, the graph, the registration hint,
the leads board — starts from that set and nothing else, so a hidden record changes no figure and leaves no trace ("and 2 more you cannot see" is a leak).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from taizhang.cases.models import Accountability, Case
from taizhang.clues.models import Clue
from taizhang.people.choices import EntityKind, MentionRole, RelationKind
from taizhang.people.models import Entity, Mention, MergeCandidate, Relation
from taizhang.pure.names import digits_key, fold_name, full_id, id_key, pinyin_key

# A graph around a busy entity stays readable (and fast): at most this many nodes, nearest first.
MAX_GRAPH_NODES = 200
CO_RECORD = "co_record"
# The entity list without a query shows the people of this many most recent visible clues (and the suspects
# of as many most recent visible cases).
RECENT_CLUES = 500
# The registration hint reads at most this many mentions of one name (the newest).
MAX_HINT_ROWS = 2000


def _visible_records(
    user: Any, since: dt.date | None, until: dt.date | None
) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The records a person may see that name entities: clues, accountability records, cases (whose suspect
    records are seen exactly as the case is), optionally of a period."""
    clues = Clue.objects.visible_to(user)
    accountability = Accountability.objects.visible_to(user)
    cases = Case.objects.visible_to(user)
    if since:
        clues = clues.filter(received_at__date__gte=since)
        accountability = accountability.filter(decided_on__gte=since)
        cases = cases.filter(created_at__date__gte=since)
    if until:
        clues = clues.filter(received_at__date__lte=until)
        accountability = accountability.filter(decided_on__lte=until)
        cases = cases.filter(created_at__date__lte=until)
    return clues, accountability, cases


def _named_by(clues: QuerySet, accountability: QuerySet, cases: QuerySet) -> Q:
    return (
        Q(clue_id__in=clues.values("pk"))
        | Q(accountability_id__in=accountability.values("pk"))
        | Q(suspect__isnull=False, case_id__in=cases.values("pk"))
    )


def visible_mentions(user: Any, *, since: dt.date | None = None, until: dt.date | None = None) -> QuerySet:
    """Mentions from records the person may see (optionally of records received in a period)."""
    return Mention.objects.filter(_named_by(*_visible_records(user, since, until)))


NAMED = ("clue_id", "accountability_id", "case_id", "suspect_id")


class _Seen(NamedTuple):
    """Which of some records the person may see (ids)."""

    clues: set[int]
    accountability: set[int]
    cases: set[int]

    def names(
        self, clue_id: int | None, accountability_id: int | None, case_id: int | None, suspect_id: int | None
    ) -> bool:
        """Whether a mention naming these records comes from one the person sees (the filter of visible_among)."""
        return (
            (clue_id is not None and clue_id in self.clues)
            or (accountability_id is not None and accountability_id in self.accountability)
            or (suspect_id is not None and case_id is not None and case_id in self.cases)
        )


def _seen(user: Any, named: list[tuple[Any, ...]], since: dt.date | None, until: dt.date | None) -> _Seen:
    """The rule asked about the records a few mentions name (rows of NAMED), each kind of record by its ids.

    Handed to the rule as lists of ids, PostgreSQL probes each record by its primary key; as subqueries of the
    mentions it misjudged them (the rule's OR of reaches) and scanned the whole clue table."""
    clues, accountability, cases = _visible_records(user, since, until)
    return _Seen(
        _among(clues, {row[0] for row in named if row[0]}),
        _among(accountability, {row[1] for row in named if row[1]}),
        _among(cases, {row[2] for row in named if row[3] and row[2]}),
    )


def _among(visible: QuerySet, ids: set[int]) -> set[int]:
    """Which of these ids the visible records hold (by primary key; no query for none)."""
    return set(visible.filter(pk__in=ids).order_by().values_list("pk", flat=True)) if ids else set()


def visible_among(
    user: Any, rows: QuerySet, *, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet:
    """The mentions among `rows` (one entity's, a few entities', one clue's) that the person may see: the same
    rule as visible_mentions, asked only about the records `rows` name. Narrowed first, the rule probes those
    records instead of gathering every record the person may see (an office's whole ledger) for each question."""
    seen = _seen(user, list(rows.values_list(*NAMED)), since, until)
    return rows.filter(
        Q(clue_id__in=seen.clues)
        | Q(accountability_id__in=seen.accountability)
        | Q(suspect__isnull=False, case_id__in=seen.cases)
    )


def visible_values(
    user: Any, rows: QuerySet, *fields: str, since: dt.date | None = None, until: dt.date | None = None
) -> list[tuple[Any, ...]]:
    """visible_among(user, rows).values_list(*fields), with one read of the rows instead of two."""
    read = list(rows.values_list(*fields, *NAMED))
    seen = _seen(user, [row[len(fields) :] for row in read], since, until)
    return [row[: len(fields)] for row in read if seen.names(*row[len(fields) :])]


def matters(user: Any, clue_ids: set[int] | list[int]) -> dict[int, int]:
    """Each of these visible clues with the clue that carries its matter: a duplicate merged (串并) into a clue
    the person also sees is that clue (along a chain of merges, as far as the person sees), any other clue is
    itself. Every count of clues counts matters: a merged duplicate is no record of its own, and a target the
    person cannot see leaves its duplicates apart (nothing tells of it). One query when nothing was merged."""
    into: dict[int, int] = {}
    known, asked = set(clue_ids), set(clue_ids)
    while asked:
        step = dict(
            Clue.objects.filter(pk__in=asked, merged_into__isnull=False)
            .order_by()
            .values_list("pk", "merged_into_id")
        )
        targets = set(step.values()) - known
        seen = _among(Clue.objects.visible_to(user), targets)
        known |= seen
        into.update({clue: target for clue, target in step.items() if target in known})
        asked = seen

    def top(clue: int) -> int:
        passed = {clue}
        while clue in into and into[clue] not in passed:
            clue = into[clue]
            passed.add(clue)
        return clue

    return {clue: top(clue) for clue in clue_ids}


def count_matters(user: Any, clues_of: dict[int, set[int]]) -> dict[int, int]:
    """How many matters (see `matters`) each entity's visible clues make."""
    every = set().union(*clues_of.values()) if clues_of else set()
    carried = matters(user, every) if every else {}
    return {eid: len({carried[c] for c in clues}) for eid, clues in clues_of.items()}


def visible_relations(user: Any, rows: QuerySet | None = None) -> QuerySet:
    """Relations (among `rows`, when given: narrowed first, as in visible_among) whose stating record the person
    may see; their ends are checked by the callers."""
    clues, cases = Clue.objects.visible_to(user), Case.objects.visible_to(user)
    if rows is None:
        rows = Relation.objects.all()
    else:
        clues = clues.filter(pk__in=rows.exclude(clue_id=None).values("clue_id"))
        cases = cases.filter(pk__in=rows.exclude(case_id=None).values("case_id"))
    return rows.filter(Q(clue_id__in=clues.values("pk")) | Q(case_id__in=cases.values("pk")))


def seen_entities(user: Any, ids: set[int] | list[int]) -> set[int]:
    """Which of these entities the person may know of: those with a mention in a record they see."""
    if not ids:
        return set()
    return {
        eid for (eid,) in visible_values(user, Mention.objects.filter(entity_id__in=list(ids)), "entity_id")
    }


# sees_entity asks the rule about the newest mentions first: one visible record is enough.
FIRST_LOOK = 16


def sees_entity(user: Any, entity_id: int) -> bool:
    """Whether a record the person sees names the entity (the pages' check)."""
    named = list(Mention.objects.filter(entity_id=entity_id).order_by("-pk").values_list(*NAMED))
    for part in (named[:FIRST_LOOK], named[FIRST_LOOK:]):
        seen = _seen(user, part, None, None) if part else None
        if seen is not None and any(seen.names(*row) for row in part):
            return True
    return False


def _cases_of(user: Any, clue_ids: list[int], direct: dict[int, set[str]]) -> list[dict[str, Any]]:
    """Visible cases built from these (visible) clues naming the entity, with those clues' numbers, or naming it
    themselves (its accountability or suspect records: `direct`, with its roles there)."""
    links = list(Case.clues.through.objects.filter(clue_id__in=clue_ids).values_list("case_id", "clue_id"))
    wanted = set(direct) | {case for case, _clue in links}
    if not wanted:
        return []
    cases = list(Case.objects.visible_to(user).filter(pk__in=wanted).order_by("-created_at", "-pk"))
    shown = {case.pk for case in cases}
    via: dict[int, set[int]] = defaultdict(set)
    for case, clue in links:
        if case in shown:
            via[case].add(clue)
    every = set().union(*via.values()) if via else set()
    numbers = dict(Clue.objects.filter(pk__in=every).values_list("pk", "number")) if every else {}
    return [
        {
            "case": case,
            "roles": sorted(direct.get(case.pk, set())),
            "via": sorted(numbers[c] for c in via.get(case.pk, ()) if c in numbers),
        }
        for case in cases
    ]


# The entity page lists this many clues at a time (a busy person is named by hundreds).
CLUES_PER_PAGE = 50
# An entity's mention as its page reads it (tuples: a busy entity has hundreds): what the record wrote, then
# the clue's date for the order, then the records it names (NAMED).
PAGE_FIELDS = (
    "pk",
    "role",
    "name",
    "unit_name",
    "post",
    "id_fragment",
    "phone_fragment",
    "clue__received_at",
)


@dataclass
class EntityPage:
    """What one person may read about an entity. `clues` holds one page of the visible clues naming it (all
    of them unless a page was asked for); `clue_total` counts them all."""

    entity: Entity
    name: str
    names: list[str]
    kind: str
    employers: list[str]
    posts: list[str]
    id_fragments: list[str]
    phones: list[str]
    clues: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    clue_total: int = 0
    page: Page | None = None
    # Every record naming the entity is one the person sees (a merge may be undone only then).
    every_record_seen: bool = False
    relations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return self.clue_total + len(self.cases)

    @property
    def page_links(self) -> list[int | str]:
        """The page numbers to link (the first, the last and two on each side of this one; "…" between)."""
        if self.page is None:
            return []
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))


def _common(values: list[str]) -> list[str]:
    return [v for v, _n in Counter(v for v in values if v).most_common()]


def entity_page(
    user: Any, entity_id: int, *, page: int | None = None, per_page: int | None = None
) -> EntityPage | None:
    """The entity as the person may see it, or None (404) when no record they see names it. With `page`, the
    clues listed are that page of them (newest first, `per_page` or CLUES_PER_PAGE each; a page past the last is
    the last)."""
    entity = Entity.objects.filter(pk=entity_id, merged_into=None).first()
    if entity is None:
        return None
    # Every mention of the entity in one read (tuples), then the rule asked once per kind of record they name.
    every = list(Mention.objects.filter(entity_id=entity_id).values_list(*PAGE_FIELDS, *NAMED))
    width = len(PAGE_FIELDS)
    seen = _seen(user, [row[width:] for row in every], None, None)
    rows = [row for row in every if seen.names(*row[width:])]
    if not rows:
        return None
    roles = dict(MentionRole.choices)
    # Newest clue first (by its date, then its newest mention), as the list always read.
    rows.sort(key=lambda row: (row[7] is not None, row[7] or dt.datetime.min, row[0]), reverse=True)
    by_clue: dict[int, set[str]] = {}
    direct_cases: dict[int, set[str]] = defaultdict(set)
    for _pk, role, *_written, _received, clue_id, _acc, case_id, _suspect in rows:
        if clue_id:
            by_clue.setdefault(clue_id, set()).add(str(roles.get(role, role)))
        elif case_id:
            direct_cases[case_id].add(str(roles.get(role, role)))
    # One row per matter: its own clue when that names the entity, else its newest duplicate naming it; the
    # other duplicates naming the entity are listed on that row.
    carried = matters(user, list(by_clue))
    rows_of: dict[int, int] = {}
    merged: dict[int, list[int]] = defaultdict(list)
    for clue_id in sorted(by_clue, key=lambda c: carried[c] != c):
        first = rows_of.setdefault(carried[clue_id], clue_id)
        if first != clue_id:
            by_clue[first] |= by_clue[clue_id]
            merged[first].append(clue_id)
    listed = set(rows_of.values())
    ordered = [clue_id for clue_id in by_clue if clue_id in listed]
    paged = Paginator(ordered, per_page or CLUES_PER_PAGE).get_page(page) if page is not None else None
    shown = list(paged.object_list) if paged is not None else ordered
    wanted = set(shown).union(*(merged[c] for c in shown))
    clues = Clue.objects.filter(pk__in=wanted).only("pk", "number", "summary", "received_at").in_bulk()
    names = _common([row[2] for row in rows])
    view = EntityPage(
        entity=entity,
        name=names[0],
        names=names,
        kind=entity.get_kind_display(),
        employers=_common([row[3] for row in rows]),
        posts=_common([row[4] for row in rows]),
        id_fragments=_common([row[5] for row in rows]),
        phones=_common([row[6] for row in rows]),
        clues=[
            {
                "clue": clues[pk],
                "roles": sorted(by_clue[pk]),
                "merged": [clues[c].number for c in merged[pk] if c in clues],
            }
            for pk in shown
            if pk in clues
        ],
        cases=_cases_of(user, list(by_clue), direct_cases),
        clue_total=len(ordered),
        page=paged,
        every_record_seen=len(rows) == len(every),
    )
    view.relations = relations_of(user, entity_id)
    return view


def display_names(user: Any, ids: set[int] | list[int]) -> dict[int, str]:
    """Each entity's name as the records the person sees write it most often."""
    rows = visible_values(user, Mention.objects.filter(entity_id__in=list(ids)), "entity_id", "name")
    return _most_written(rows)


def _most_written(rows: list[tuple[Any, ...]]) -> dict[int, str]:
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for eid, name, *_rest in rows:
        counts[eid][name] += 1
    return {eid: c.most_common(1)[0][0] for eid, c in counts.items()}


def relations_of(user: Any, entity_id: int) -> list[dict[str, Any]]:
    """Staff-entered relations of the entity whose record and other end the person may see."""
    around = list(
        Relation.objects.filter(Q(source_id=entity_id) | Q(target_id=entity_id))
        .select_related("clue", "case")
        .order_by("kind", "id")
    )
    if not around:
        return []
    # visible_relations' rule, asked about these relations' records by their ids.
    clues = _among(Clue.objects.visible_to(user), {r.clue_id for r in around if r.clue_id})
    cases = _among(Case.objects.visible_to(user), {r.case_id for r in around if r.case_id})
    rows = [r for r in around if r.clue_id in clues or r.case_id in cases]
    others = {r.target_id if r.source_id == entity_id else r.source_id for r in rows}
    seen = seen_entities(user, others)
    names = display_names(user, seen)
    found = []
    for r in rows:
        other = r.target_id if r.source_id == entity_id else r.source_id
        if other not in seen:
            continue
        found.append(
            {
                "relation": r,
                "kind": r.get_kind_display(),
                "other_id": other,
                "other_name": names.get(other, ""),
                "record": r.clue or r.case,
            }
        )
    return found


def record_counts(user: Any, ids: set[int] | list[int], mentions: QuerySet | None = None) -> dict[int, int]:
    """How many visible records (clues and cases) name each entity."""
    narrowed = Mention.objects.filter(entity_id__in=list(ids))
    if mentions is not None:
        read = list(mentions.filter(entity_id__in=list(ids)).values_list("entity_id", "clue_id", "case_id"))
    else:
        read = visible_values(user, narrowed, "entity_id", "clue_id", "case_id")
    clues: dict[int, set[int]] = defaultdict(set)
    cases: dict[int, set[int]] = defaultdict(set)
    for eid, clue_id, case_id in read:
        clues[eid].update([clue_id] if clue_id else [])
        cases[eid].update([case_id] if case_id else [])
    counted = count_matters(user, clues)
    return {eid: counted.get(eid, 0) + len(cases[eid]) for eid in {*clues, *cases}}


def search(user: Any, q: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Entities whose visible mentions match `q` (folded name, pinyin, ID or phone fragment), busiest first."""
    mentions = visible_mentions(user)
    key = fold_name(q)
    if key:
        match = Q(name_key__contains=key)
        spoken = pinyin_key(q)
        if key.isascii() and key.isalpha():
            match |= Q(pinyin_key__startswith=key)  # typed in pinyin: "zhangs" finds 张三 and 章三
        elif spoken:
            match |= Q(pinyin_key=spoken)  # typed in characters: homophones
        digits = id_key(q)
        if digits and digits == key.upper():
            match |= Q(id_key__contains=digits)
        phone = digits_key(q)
        if phone and phone == key:
            match |= Q(phone_key__contains=phone)
        mentions = mentions.filter(match)
    else:
        # Without a query: the people of the most recent visible clues (a whole-ledger tally would read every
        # mention the person may see on each visit).
        recent = Clue.objects.visible_to(user).order_by("-received_at", "-id").values("pk")[:RECENT_CLUES]
        cases = Case.objects.visible_to(user).order_by("-created_at", "-id").values("pk")[:RECENT_CLUES]
        mentions = mentions.filter(Q(clue_id__in=recent) | Q(suspect__isnull=False, case_id__in=cases))
    rows = list(
        mentions.values("entity_id")
        .annotate(clues=Count("clue_id", distinct=True), cases=Count("case_id", distinct=True))
        .order_by("-clues", "-cases", "entity_id")[:limit]
    )
    ids = [r["entity_id"] for r in rows]
    names = display_names(user, ids)
    kinds = dict(Entity.objects.filter(pk__in=ids).values_list("pk", "kind"))
    # The busiest are picked by their clues; their counts are matters (a merged duplicate is no record).
    clues_of: dict[int, set[int]] = defaultdict(set)
    for eid, clue_id in mentions.filter(entity_id__in=ids, clue__isnull=False).values_list(
        "entity_id", "clue_id"
    ):
        clues_of[eid].add(clue_id)
    counted = count_matters(user, clues_of)
    found = [
        {
            "id": r["entity_id"],
            "name": names.get(r["entity_id"], ""),
            "kind": kinds.get(r["entity_id"], ""),
            "clues": counted.get(r["entity_id"], 0),
            "cases": r["cases"],
        }
        for r in rows
    ]
    found.sort(key=lambda r: (-r["clues"], -r["cases"], r["id"]))
    return found


def _cases_by_entity(
    user: Any, clue_ids: dict[int, set[int]], case_ids: dict[int, set[int]]
) -> dict[int, set[int]]:
    """For several entities at once, the visible cases cases_of would list: built from one of the entity's
    visible clues, or naming it directly."""
    every_clue = set().union(*clue_ids.values()) if clue_ids else set()
    every_case = set().union(*case_ids.values()) if case_ids else set()
    if not every_clue and not every_case:
        return {}
    links = list(Case.clues.through.objects.filter(clue_id__in=every_clue).values_list("case_id", "clue_id"))
    wanted = every_case | {case for case, _clue in links}
    visible = set(Case.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))
    found: dict[int, set[int]] = defaultdict(set)
    for eid, direct in case_ids.items():
        found[eid] |= direct & visible
    for eid, own_clues in clue_ids.items():
        found[eid] |= {case for case, clue in links if clue in own_clues and case in visible}
    return found


@dataclass
class Hint:
    """One entity the typed subject may be, with what the person may see of it."""

    entity_id: int
    name: str
    employer: str
    clues: int
    cases: int
    same_id: bool


def hint(user: Any, name: str, *, id_fragment: str = "", limit: int = 3) -> list[Hint]:
    """Entities a subject typed at registration may be: by its full ID, else its folded name, with counts of
    the records the person may see (only those)."""
    key, full = fold_name(name), full_id(id_fragment)
    if not key and not full:
        return []
    same_id: set[int] = set()
    if full:
        same_id = set(Entity.objects.filter(id_number=full, merged_into=None).values_list("pk", flat=True))
    match = Q(entity_id__in=same_id) if same_id else Q(pk__in=[])
    if key:
        match |= Q(name_key=key)
    # The mentions the name or number finds (by the indexes, newest first, capped for a very common name),
    # then the entities among them that a record the person sees names.
    newest = Mention.objects.filter(match).order_by("-pk").values_list("pk", flat=True)[:MAX_HINT_ROWS]
    found_rows = Mention.objects.filter(pk__in=list(newest))
    ids = {eid for (eid,) in visible_values(user, found_rows, "entity_id")}
    if not ids:
        return []
    # The found entities' visible mentions in one read: their counts, names, employers and records.
    written: dict[int, list[tuple[str, str]]] = defaultdict(list)
    clue_ids: dict[int, set[int]] = defaultdict(set)
    case_ids: dict[int, set[int]] = defaultdict(set)
    for eid, name_, unit, clue_id, case_id in visible_values(
        user,
        Mention.objects.filter(entity_id__in=list(ids)),
        "entity_id",
        "name",
        "unit_name",
        "clue_id",
        "case_id",
    ):
        written[eid].append((name_, unit))
        if clue_id:
            clue_ids[eid].add(clue_id)
        elif case_id:
            case_ids[eid].add(case_id)
    by_matter = count_matters(user, clue_ids)
    counted = [{"entity_id": eid, "clues": by_matter.get(eid, 0)} for eid in written]
    counted.sort(key=lambda r: (r["entity_id"] not in same_id, -r["clues"], r["entity_id"]))
    top = {r["entity_id"] for r in counted[:limit]}
    clue_ids = defaultdict(set, {eid: v for eid, v in clue_ids.items() if eid in top})
    case_ids = defaultdict(set, {eid: v for eid, v in case_ids.items() if eid in top})
    cases = _cases_by_entity(user, clue_ids, case_ids)
    found = []
    for row in counted[:limit]:
        eid = row["entity_id"]
        names = _common([n for n, _u in written[eid]])
        employers = _common([u for _n, u in written[eid]])
        found.append(
            Hint(
                eid,
                names[0] if names else name,
                employers[0] if employers else "",
                row["clues"],
                len(cases.get(eid, set())),
                eid in same_id,
            )
        )
    return found


def graph(
    user: Any,
    root: int,
    *,
    depth: int = 1,
    kinds: set[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any] | None:
    """Nodes and edges around `root` up to `depth` hops, from visible records only: staff relations whose record
    the person sees, and co-mentions (two entities named by one visible record). None when the root is hidden."""

    if not visible_values(user, Mention.objects.filter(entity_id=root), "pk", since=since, until=until):
        return None
    depth = max(1, min(depth, 3))
    kinds = kinds or {*RelationKind.values, CO_RECORD}
    nodes: dict[int, int] = {root: 0}
    # Each edge keeps the records it stands on (a record met again at the next level counts once).
    edges: dict[tuple[int, int, str], set[tuple[str, int]]] = defaultdict(set)
    frontier = {root}
    relations = Relation.objects.all()
    if since:
        relations = relations.filter(created_at__date__gte=since)
    if until:
        relations = relations.filter(created_at__date__lte=until)
    for level in range(1, depth + 1):
        found: set[int] = set()
        if CO_RECORD in kinds:
            named = visible_values(
                user,
                Mention.objects.filter(entity_id__in=list(frontier)),
                "clue_id",
                "case_id",
                since=since,
                until=until,
            )
            clue_ids = {c for c, _k in named if c}
            case_ids = {k for c, k in named if not c and k}
            # A clue's mentions are visible exactly when the clue is: those of the clues just seen need no
            # second look; a case's accountability records are each asked again.
            pairs = list(
                Mention.objects.filter(clue_id__in=clue_ids).values_list("entity_id", "clue_id", "case_id")
            )
            if case_ids:
                pairs += visible_values(
                    user,
                    Mention.objects.filter(case_id__in=case_ids, clue__isnull=True),
                    "entity_id",
                    "clue_id",
                    "case_id",
                    since=since,
                    until=until,
                )
            by_record: dict[tuple[str, int], set[int]] = defaultdict(set)
            for eid, clue_id, case_id in pairs:
                by_record[("clue", clue_id) if clue_id else ("case", case_id)].add(eid)
            for record, members in by_record.items():
                for a in members & frontier:
                    for b in members - {a}:
                        edges[(min(a, b), max(a, b), CO_RECORD)].add(record)
                        found.add(b)
        wanted = [k for k in kinds if k != CO_RECORD]
        if wanted:
            around = relations.filter(
                Q(source_id__in=list(frontier)) | Q(target_id__in=list(frontier)), kind__in=wanted
            )
            rows = list(visible_relations(user, around).values_list("pk", "source_id", "target_id", "kind"))
            ends = seen_entities(user, {e for _pk, s, t, _k in rows for e in (s, t)})
            for pk, s, t, k in rows:
                if s in ends and t in ends:
                    edges[(min(s, t), max(s, t), k)].add(("relation", pk))
                    found.update({s, t})
        new = [e for e in sorted(found) if e not in nodes]
        room = MAX_GRAPH_NODES - len(nodes)
        for e in new[: max(room, 0)]:
            nodes[e] = level
        frontier = set(new[: max(room, 0)])
        if not frontier:
            break
    edges = {k: v for k, v in edges.items() if k[0] in nodes and k[1] in nodes}
    # The nodes' visible mentions in one read: each node's most written name and its number of records.
    rows = visible_values(
        user,
        Mention.objects.filter(entity_id__in=list(nodes)),
        "entity_id",
        "name",
        "clue_id",
        "case_id",
        since=since,
        until=until,
    )
    # Names come from every visible record, records counted in the period only.
    names = _most_written(rows) if not since and not until else display_names(user, set(nodes))
    records: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for eid, _name, clue_id, case_id in rows:
        if clue_id:
            records[eid].add(("clue", clue_id))
        if case_id:
            records[eid].add(("case", case_id))
    carried = matters(
        user, {number for found in records.values() for kind, number in found if kind == "clue"}
    )
    sizes = {
        eid: len({(kind, carried[number] if kind == "clue" else number) for kind, number in found})
        for eid, found in records.items()
    }
    kinds_of = dict(Entity.objects.filter(pk__in=list(nodes)).values_list("pk", "kind"))
    labels = dict(RelationKind.choices)
    return {
        "root": root,
        "truncated": len(nodes) >= MAX_GRAPH_NODES,
        "nodes": [
            {
                "id": eid,
                "name": names.get(eid, ""),
                "kind": kinds_of.get(eid, ""),
                "depth": d,
                "records": sizes.get(eid, 0),
            }
            for eid, d in sorted(nodes.items(), key=lambda x: (x[1], x[0]))
        ],
        "edges": [
            {
                "source": a,
                "target": b,
                "kind": k,
                "label": str(labels.get(k, "")) if k != CO_RECORD else "",
                "records": len(v),
            }
            for (a, b, k), v in sorted(edges.items())
        ],
    }


def leads(user: Any, *, minimum: int = 2, limit: int = 100) -> list[dict[str, Any]]:
    """深挖保护伞: officials named as 保护伞 suspects or held to account in several visible records, with how
    many distinct sources (clue channels; a case counts as a source of its own) those records came from."""
    mentions = visible_mentions(user).filter(role__in=[MentionRole.UMBRELLA, MentionRole.HELD_TO_ACCOUNT])
    clues: dict[int, set[int]] = defaultdict(set)
    cases: dict[int, set[int]] = defaultdict(set)
    channels: dict[int, set[str]] = defaultdict(set)
    for eid, clue_id, case_id, channel in mentions.values_list(
        "entity_id", "clue_id", "case_id", "clue__channel"
    ):
        if clue_id:
            clues[eid].add(clue_id)
            channels[eid].add(channel)
        if case_id:
            cases[eid].add(case_id)
    # Records are matters: a duplicate merged into another clue naming the official is no second record (its
    # channel still counts as a source: another way the matter came in).
    counted = count_matters(user, clues)
    rows: list[dict[str, Any]] = [
        {
            "entity_id": eid,
            "clues": counted.get(eid, 0),
            "cases": len(cases[eid]),
            "channels": len(channels[eid]),
        }
        for eid in {*clues, *cases}
    ]
    rows.sort(key=lambda r: (-r["clues"], -r["cases"], r["entity_id"]))
    picked = []
    for r in rows:
        records = r["clues"] + r["cases"]
        sources = r["channels"] + (1 if r["cases"] else 0)
        if records >= minimum and sources >= 2:
            picked.append({**r, "records": records, "sources": sources})
        if len(picked) >= limit:
            break
    names = display_names(user, [r["entity_id"] for r in picked])
    for r in picked:
        r["name"] = names.get(r["entity_id"], "")
    return picked


def linked_organisations(user: Any, *, minimum: int = 2, limit: int = 100) -> list[dict[str, Any]]:
    """Organisations named in visible clues of several visible cases (criminal groups): who stands behind more
    than one group. A case counts only when the person sees both it and the clue naming the organisation."""
    cases = Case.objects.visible_to(user).values("pk")
    rows = list(
        visible_mentions(user)
        .filter(entity__kind=EntityKind.ORGANISATION, clue__isnull=False)
        .values("entity_id")
        .annotate(groups=Count("clue__cases", filter=Q(clue__cases__in=cases), distinct=True))
        .filter(groups__gte=minimum)
        .order_by("-groups", "entity_id")[:limit]
    )
    names = display_names(user, [r["entity_id"] for r in rows])
    return [{**r, "name": names.get(r["entity_id"], "")} for r in rows]


def reviewable_candidates(user: Any) -> QuerySet:
    """Open merge proposals the person may decide: every record naming either entity is visible to them (a
    merge touches all of them, and its reasons may come from any)."""
    seen = visible_mentions(user).values("pk")
    hidden = Mention.objects.exclude(pk__in=seen)
    return MergeCandidate.objects.exclude(
        Q(first_id__in=hidden.values("entity_id")) | Q(second_id__in=hidden.values("entity_id"))
    ).filter(first__merged_into=None, second__merged_into=None)


def may_decide(user: Any, first_id: int, second_id: int) -> bool:
    """Whether every record naming either entity is visible to the person (see reviewable_candidates)."""
    every = Mention.objects.filter(entity_id__in=[first_id, second_id])
    seen = visible_values(user, every, "pk")
    return bool(seen) and len(seen) == every.count()

"""The machinery of visibility every record type shares: what a person's unit and roles let them see, as queryset
filters.

Every list, detail, export, search, count and API path reads through `Model.objects.visible_to(user)`.
A model says how its rows relate to units by implementing `visibility_q(scope)` on its queryset; this module
holds no rule of its own: `Scope` (what a rule may read about the person), `visible_to` and `held_rule` (each
built rule kept per thread), and `readers` (who may see a record, for notifications). The clue rule, and the
tables derived from it for speed, are clues/visibility/ (docs/architecture.md, "Where reads go").
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from taizhang.org.choices import OFFICE_ROLES, UnitKind


@dataclass(frozen=True)
class Scope:
    """Everything the visibility rule needs to know about a person, computed once per request."""

    user_id: int
    unit_id: int | None
    unit_path: str
    unit_kind: str
    roles: frozenset[str]
    # The path of the office the unit answers to (its own path for an office).
    home_office_path: str = ""

    @property
    def office_path(self) -> str:
        """The subtree an office person oversees ('' for everyone else)."""
        if self.unit_kind == UnitKind.OFFICE and self.roles & OFFICE_ROLES:
            return self.unit_path
        return ""

    @property
    def lineage(self) -> tuple[int, ...]:
        """Ids from the root down to the person's own unit."""
        return tuple(int(part) for part in self.unit_path.strip("/").split("/") if part)

    def has(self, *codes: str) -> bool:
        return bool(self.roles & set(codes))


def scope_of(user: Any) -> Scope | None:
    """The user's scope, or None for anonymous and inactive users (who see nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_taizhang_scope", None)
    if cached is not None:
        return cached
    unit = user.unit if user.unit_id else None
    home_office_path = ""
    if unit is not None:
        office = unit.office()
        home_office_path = office.path if office else ""
    scope = Scope(
        user_id=user.pk,
        unit_id=user.unit_id,
        unit_path=unit.path if unit else "",
        unit_kind=unit.kind if unit else "",
        roles=user.role_codes(),
        home_office_path=home_office_path,
    )
    user._taizhang_scope = scope
    return scope


# Built rules, per thread: (queryset class, model, database, scope) -> the filtered queryset. A rule is a pure
# function of the scope (`visibility_q(scope)`), and what is kept is SQL, evaluated afresh by each query.
_rules = threading.local()
# About 20 KiB each (SQL expression trees): at most ~5 MiB per server thread. A page reads 5-10 models, so this
# holds the rules of a few dozen people per thread; beyond that the oldest are dropped and built again.
RULES_KEPT = 256


def _rules_of_thread() -> dict[tuple, Any]:
    held = getattr(_rules, "held", None)
    if held is None:
        held = _rules.held = {}
    return held


def _held(key: tuple, build: Any) -> Any:
    """What `build()` returns, kept for this thread under `key` (at most RULES_KEPT things, oldest dropped)."""
    held = _rules_of_thread()
    found = held.get(key)
    if found is None:
        while len(held) >= RULES_KEPT:
            del held[next(iter(held))]  # the oldest built (dicts keep insertion order)
        found = held[key] = build()
    return found


# A primary key no record has: the record asked stands in for it in a rule compiled once (held_exists).
_ASKED = -(2**62) - 7


class VisibleQuerySet(models.QuerySet):
    """Base queryset of every record that people see through the visibility rule.

    `Model.objects.visible_to(user)` builds the rule's filter once per scope and hands out copies: the filter
    (subqueries on assignments, transfers, the unit tree, recusals) costs more to build in Python than most
    queries cost to run, and every page reads through it several times. The scope (unit, unit path, roles,
    home office) is computed afresh for every request, so a person whose unit or roles change gets a new rule
    at once; the rule is a pure function of the scope. Built rules are kept per thread (a queryset's query is
    mutable and is never shared across threads), at most RULES_KEPT of them. What is kept is SQL, evaluated
    afresh by each query: no rows are kept.
    """

    def __init__(self, model: Any = None, query: Any = None, using: Any = None, hints: Any = None) -> None:
        super().__init__(model=model, query=query, using=using, hints=hints)
        # Built afresh by a manager: a clone always passes its query, so any filter, ordering or deferral
        # already applied makes this False and the rule is built on that queryset as usual.
        self._pristine = query is None

    # Whether visibility_q reads scope.user_id (a rule about the person, not only their unit and roles).
    rule_reads_person = False

    def visible_to(self, user: Any) -> Self:
        scope = scope_of(user)
        if scope is None or scope.unit_id is None:
            return self.none()
        return self.held_rule(scope, "", self.visibility_q)

    def held_rule(self, scope: Scope, variant: str, build: Any) -> Self:
        """`self` filtered by `build(scope)`, built once per thread for each scope and variant (see above)."""
        if not self._pristine or self._result_cache is not None:
            return self.filter(build(scope))
        key = (type(self), self.model, self.db, variant, scope)
        rule = _held(key, lambda: self.filter(build(scope)))
        return rule.all()  # a copy: filters added to it never reach the kept rule

    def held_exists(self, scope: Scope, variant: str, build: Any, pk: int) -> RawSQL:
        """`EXISTS (the rule build(scope) of the record pk)`, as the SQL Django writes for it, compiled once per
        thread for each scope, variant and database: only the record's id changes from one call to the next.

        For reading one record by its id (visible_one), where compiling the rule's subqueries cost more in
        Python (~1.3 ms) than the query took to run. The text is Django's own compilation of the held rule
        narrowed to a stand-in id (`_ASKED`), whose one parameter is then replaced by `pk`."""
        key = (type(self), self.model, self.db, f"{variant}:exists", scope)

        def compile_rule() -> tuple[str, tuple[Any, ...], int]:
            query = self.held_rule(scope, variant, build).filter(pk=_ASKED).query.exists()
            query.bump_prefix(self.query)  # its own aliases (V0, U0…), as a subquery of the caller's
            sql, params = query.get_compiler(self.db).as_sql()
            at = [i for i, value in enumerate(params) if value == _ASKED]
            if len(at) != 1:
                raise ValueError("the stand-in id must be the rule's one mention of the record")
            return f"EXISTS({sql})", tuple(params), at[0]

        sql, params, at = _held(key, compile_rule)
        values = list(params)
        values[at] = pk
        return RawSQL(sql, values, output_field=models.BooleanField())  # noqa: S611 - Django's own SQL, values as parameters

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        raise NotImplementedError


def scopes_for(user_ids: Iterable[int]) -> dict[int, Scope]:
    """The scopes of many people at once (what scope_of computes for one), in three queries whatever their
    number: for deciding who may be told about a record (notifications, mail, the worker). Inactive people and
    people without a unit have no scope (they see nothing)."""
    from taizhang.org.models import Unit, User

    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    people = list(
        User.objects.filter(pk__in=ids, is_active=True, unit__isnull=False).values_list(
            "pk", "unit_id", "unit__path", "unit__kind"
        )
    )
    held: dict[int, set[str]] = {}
    through = User.roles.through
    for uid, code in through.objects.filter(user_id__in=[p[0] for p in people]).values_list(
        "user_id", "role__code"
    ):
        held.setdefault(uid, set()).add(code)
    lineages = {pk: [int(x) for x in path.strip("/").split("/") if x] for pk, _u, path, _k in people}
    above = {i for lineage in lineages.values() for i in lineage}
    offices = dict(Unit.objects.filter(pk__in=above, kind=UnitKind.OFFICE).values_list("pk", "path"))
    found = {}
    for pk, unit_id, path, kind in people:
        # The nearest office at or above the unit, as Unit.office() answers.
        home = next((offices[i] for i in reversed(lineages[pk]) if i in offices), "")
        found[pk] = Scope(
            user_id=pk,
            unit_id=unit_id,
            unit_path=path,
            unit_kind=kind,
            roles=frozenset(held.get(pk, ())),
            home_office_path=home,
        )
    return found


def readers(model: Any, wanted: Mapping[int, Iterable[int]]) -> dict[int, set[int]]:
    """Who may see each record: `wanted` maps record ids to candidate people; the answer keeps, for each
    record, the candidates the rule lets see it. One query per distinct scope (people of one unit with the same
    roles share one), not one per person and record: the worker decides thousands of messages in a pass."""
    candidates = {pk: list(dict.fromkeys(users)) for pk, users in wanted.items()}
    scopes = scopes_for(uid for users in candidates.values() for uid in users)
    rule = model._default_manager.all()
    if not getattr(rule, "rule_reads_person", False):
        # A scope without its person: people of one unit with the same roles share one rule.
        scopes = {uid: _shared(scope) for uid, scope in scopes.items()}
    records_of: dict[Scope, set[int]] = {}
    for pk, users in candidates.items():
        for uid in users:
            if uid in scopes:
                records_of.setdefault(scopes[uid], set()).add(pk)
    seen: dict[Scope, set[int]] = {}
    for scope, pks in records_of.items():
        seen[scope] = set(
            model._default_manager.filter(rule.visibility_q(scope), pk__in=list(pks)).values_list(
                "pk", flat=True
            )
        )
    return {
        pk: {uid for uid in users if uid in scopes and pk in seen.get(scopes[uid], ())}
        for pk, users in candidates.items()
    }


def _shared(scope: Scope) -> Scope:
    return Scope(0, scope.unit_id, scope.unit_path, scope.unit_kind, scope.roles, scope.home_office_path)

"""The clue visibility rule, its one-clue form, and which form answers each question.

Read this file top to bottom: `clue_q` is the rule (what a person's unit and roles let them see), `clue_q(...,
one=True)` the same rule correlated with one clue, and `form_for` the one place that decides whether a page or
a count is read from the rule itself or from one of the two tables derived from it (handled.py, tally.py).
Each derived table states the rule for a kind of person only; `handled_answers` and `tally_answers` say for
whom, and answers.py runs whichever form `form_for` chose.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from taizhang.org.choices import RoleCode
from taizhang.org.visibility import Scope


def clue_q(scope: Scope, one: bool = False) -> Q:
    """The rule, as a filter on Clue. `one` (see ClueQuerySet.visible_one) narrows its subqueries to the clue at
    hand."""
    from taizhang.clues.models import Assignment, Recusal, Transfer
    from taizhang.org.models import Unit

    nothing = Q(pk__in=[])
    # A member unit sees what was ever assigned or transferred to it.
    unit_id = scope.unit_id or 0
    assigned, transferred = (
        Assignment.objects.filter(unit_id=unit_id),
        Transfer.objects.filter(receiver_unit_id=unit_id),
    )
    if one:
        # One clue: probe the (unit, clue) indexes instead of hashing all the unit's clues.
        assigned = assigned.filter(clue_id=OuterRef("pk"))
        transferred = transferred.filter(clue_id=OuterRef("pk"))
    # IN (subquery) rather than EXISTS, and the office subtree as ids rather than a join on the path:
    # PostgreSQL then hashes the small side once instead of probing per clue (bench/ledger.py).
    handled = Q(pk__in=assigned.values("clue_id")) | Q(pk__in=transferred.values("clue_id"))

    def subtree(path: str) -> Q:
        return Q(office_id__in=Unit.objects.filter(path__startswith=path).values("pk"))

    # An office sees its own level and everything below it.
    in_tree = subtree(scope.office_path) if scope.office_path else nothing
    # 保护伞 clues: only office leaders (over their tree) and discipline-commission handlers (over the tree
    # of the office they answer to, and whatever was given to their unit).
    umbrella_reach = nothing
    if scope.office_path and scope.has(RoleCode.OFFICE_LEADER):
        umbrella_reach |= in_tree
    if scope.has(RoleCode.DISCIPLINE_HANDLER):
        home = subtree(scope.home_office_path) if scope.home_office_path else nothing
        umbrella_reach |= home | handled
    # Offices are never assignees or transfer receivers (the actions refuse them), so for an office person
    # `handled` would only add an OR that keeps the planner from the indexes.
    ordinary = in_tree if scope.office_path else handled
    rule = (Q(is_umbrella=False) & ordinary) | (Q(is_umbrella=True) & umbrella_reach)
    # Recusal: a unit named by a clue, and every unit under it, never sees the clue.
    named = Exists(Recusal.objects.filter(clue=OuterRef("pk"), unit_id__in=scope.lineage))
    return rule & ~Q(named)


def reaches_umbrella(scope: Scope, office_path: str) -> bool:
    """Whether `scope` reaches the 保护伞 clues of the office at `office_path` by the rule's `umbrella_reach`
    above (less `handled`, which concerns single clues): office leaders over their tree, discipline-commission
    handlers over the tree of the office they answer to. For records that show their 保护伞 part to the same
    people (a case's screening and accountability parts: cases.permissions.sees_umbrella_part)."""
    if scope.office_path and scope.has(RoleCode.OFFICE_LEADER) and office_path.startswith(scope.office_path):
        return True
    return bool(
        scope.has(RoleCode.DISCIPLINE_HANDLER)
        and scope.home_office_path
        and office_path.startswith(scope.home_office_path)
    )


class Reach(StrEnum):
    """How much of the ledger the rule above lets a person see: the text search reads a frequent term's
    matches by the index or by a scan according to it (text_filter.way)."""

    ALL = "all"  # an office person of the tree's root office (the city's): `in_tree` is every clue
    PART = "part"  # an office person of an office below it (a district's): its subtree
    # Everyone else: what was given to the unit (`handled`) and, for a discipline-commission handler, the
    # 保护伞 clues of the office it answers to; a few percent of the ledger, so a page that walks the ledger in
    # its sort order until its rows are found may read most of it.
    FEW = "few"


def reach_of(scope: Scope | None) -> Reach:
    """The Reach of `scope` (who sees nothing sees FEW)."""
    if scope is None or not scope.office_path:
        return Reach.FEW
    return Reach.ALL if len(scope.lineage) == 1 else Reach.PART


# --- The derived forms: for whom each one states the rule exactly ------------------------------------------


def handled_answers(scope: Scope) -> bool:
    """For a plain member unit's person the rule above is exactly: not 保护伞, ever given to the unit
    (`handled`), not recused. HandledClue holds the unit's `handled` set with the ledger columns, so its rows,
    less the recused, are what that person sees. Not for office people (`in_tree`) nor discipline handlers
    (`umbrella_reach`)."""
    return bool(scope.unit_id) and not scope.office_path and not scope.has(RoleCode.DISCIPLINE_HANDLER)


def tally_answers(scope: Scope) -> bool:
    """For an office person who is not a discipline handler the rule is exactly: the office subtree
    (`in_tree`), 保护伞 clues only for office leaders, not recused. The tally is keyed by office, responsible
    unit and 保护伞 flag, so its sums over the subtree, less the recused clues counted live, are what that
    person counts."""
    return bool(scope.office_path) and not scope.has(RoleCode.DISCIPLINE_HANDLER)


# --- Which form answers a question ------------------------------------------------------------------------


class Question(StrEnum):
    ONE = "one"  # may the person see this clue (a detail page, an API read)
    PAGE = "page"  # the ids of one page of the filtered, sorted ledger
    STATUS_COUNTS = "status_counts"  # how many clues per status, under the ledger's filters
    PERIOD_COUNTS = "period_counts"  # received / concluded / overdue... per month (dashboard, reports)


class Form(StrEnum):
    LIVE = "live"  # Clue filtered by clue_q (ClueQuerySet.visible_to)
    ONE = "one"  # Clue filtered by clue_q(one=True), for one clue (ClueQuerySet.visible_one)
    HANDLED = "handled"  # the unit's HandledClue rows, less the recused (handled.py)
    TALLY = "tally"  # the tally's sums over the office subtree, less the recused counted live (tally.py)


def derived_tables() -> bool:
    """The trigger-kept tables exist on PostgreSQL only (empty elsewhere)."""
    return connection.vendor == "postgresql"


def form_for(
    scope: Scope | None,
    question: Question,
    *,
    text: bool = False,
    filtered: bool = False,
    whole_months: bool = True,
) -> Form:
    """The form that answers `question` for `scope`: every form gives what the live rule gives
    (tests/clues/test_one_rule.py), the derived ones faster. `text`: the ledger's text search is on (it reads
    Clue's own text, which no derived table copies: the tally cannot count it; HandledClue rows ask their
    clue, text_filter.handled_text_q); `filtered`: a ledger filter the tally does not keep
    (tally.narrowing answers None: two of the filters it crosses with status at once, received dates that are
    not whole months, overdue, concluded dates); `whole_months`: the periods asked for are whole local months
    (the tally's grain)."""
    if question is Question.ONE:
        return Form.ONE
    if scope is None or not scope.unit_id or not derived_tables():
        return Form.LIVE
    if question is Question.PAGE:
        return Form.HANDLED if handled_answers(scope) else Form.LIVE
    if question is Question.STATUS_COUNTS:
        if tally_answers(scope) and not filtered and not text:
            return Form.TALLY
        return Form.HANDLED if handled_answers(scope) else Form.LIVE
    # Question.PERIOD_COUNTS
    return Form.TALLY if tally_answers(scope) and whole_months else Form.LIVE

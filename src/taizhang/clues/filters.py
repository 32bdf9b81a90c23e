"""The ledger's one filter: the list, the export, the API and other apps' drill-downs all read through it.
Who sees what is the rule's (clues/visibility/): these filters narrow what it lets through, on Clue or on the
HandledClue rows derived from it (visibility/answers.py chooses).

GET parameters (documented in docs/clues.md; the reports dashboard links to `/clues/?<params>`):
status (repeatable), category, sector, channel, unit, office, overdue=1, due_soon=1, awaiting=<unit id>,
received_from, received_to, concluded_from, concluded_to, finding, umbrella=1, q, sort, page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django import forms
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues import text_filter
from taizhang.clues.choices import DUE_SOON, OPEN_STATUSES, Category, Channel, ClueStatus, FindingResult
from taizhang.clues.models import Clue, Transfer
from taizhang.clues.text_filter import COUNTING_WORK_MEM
from taizhang.clues.visibility.rule import Reach
from taizhang.core.params import MAX_COUNT, MAX_ID
from taizhang.org.models import Unit

# sort parameter -> order_by; the id tie-breaker keeps pages stable.
SORTS: dict[str, tuple[str, ...]] = {
    "-received_at": ("-received_at", "-id"),
    "received_at": ("received_at", "id"),
    "deadline_at": ("deadline_at", "id"),
    "-deadline_at": ("-deadline_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "-concluded_at": ("-concluded_at", "-id"),
    "concluded_at": ("concluded_at", "id"),
}
SORT_LABELS = {
    "-received_at": _("受理时间（新→旧）"),
    "received_at": _("受理时间（旧→新）"),
    "deadline_at": _("办理时限（近→远）"),
    "-deadline_at": _("办理时限（远→近）"),
    "number": _("线索编号（升序）"),
    "-number": _("线索编号（降序）"),
    "-concluded_at": _("办结时间（新→旧）"),
    "concluded_at": _("办结时间（旧→新）"),
}
DEFAULT_SORT = "-received_at"


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class ClueFilterForm(forms.Form):
    """Parses the ledger's GET parameters; invalid values are ignored rather than failing the page."""

    q = forms.CharField(label=_("编号/被举报人/内容"), required=False, max_length=100)
    status = forms.MultipleChoiceField(label=_("办理状态"), required=False, choices=ClueStatus.choices)
    category = forms.ChoiceField(label=_("类别"), required=False, choices=_blank(Category.choices))
    sector = forms.IntegerField(label=_("行业领域"), required=False, min_value=1, max_value=MAX_ID)
    channel = forms.ChoiceField(label=_("来源"), required=False, choices=_blank(Channel.choices))
    unit = forms.IntegerField(label=_("责任单位"), required=False, min_value=1, max_value=MAX_ID)
    office = forms.IntegerField(label=_("受理机关（含下级）"), required=False, min_value=1, max_value=MAX_ID)
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    due_soon = forms.BooleanField(label=_("3日内到期"), required=False)
    # The clues with a transfer awaiting this unit's answer (the home panel's 待答复移送 links here).
    awaiting = forms.IntegerField(
        label=_("待答复移送的接收单位"), required=False, min_value=1, max_value=MAX_ID
    )
    umbrella = forms.BooleanField(label=_("仅涉保护伞"), required=False)
    finding = forms.ChoiceField(label=_("核查结论"), required=False, choices=_blank(FindingResult.choices))
    received_from = forms.DateField(label=_("受理日期自"), required=False)
    received_to = forms.DateField(label=_("受理日期至"), required=False)
    concluded_from = forms.DateField(label=_("办结日期自"), required=False)
    concluded_to = forms.DateField(label=_("办结日期至"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=list(SORT_LABELS.items()))
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_COUNT)

    def values(self) -> dict[str, Any]:
        """The cleaned values, dropping any field that did not validate."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        for name in self.errors:
            data.pop(name, None)
        return data


class Parsed(dict):
    """Cleaned filter values (so a caller that filters twice parses, and looks the office up, once)."""


def parse(params: Mapping[str, Any] | None) -> Parsed:
    """Clean GET-style parameters (a QueryDict, or a dict whose `status` may be a list) into values."""
    if params is None:
        params = {}
    if not isinstance(params, QueryDict):
        query = QueryDict(mutable=True)
        for key, value in params.items():
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, list | tuple):
                query.setlist(key, [str(v) for v in value])
            elif isinstance(value, bool):
                if value:
                    query[key] = "1"
            else:
                query[key] = str(value)
        params = query
    return Parsed(ClueFilterForm(params).values())


def _day_start(day: dt.date) -> dt.datetime:
    # Days are Asia/Shanghai days (the project's TIME_ZONE), whatever the database stores.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def _between(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": _day_start(start)})
    if end:
        q &= Q(**{f"{field}__lt": _day_start(end + dt.timedelta(days=1))})
    return q


def ledger_q(params: Mapping[str, Any] | None, *, pk: str = "pk", skip_status: bool = False) -> Q:
    """The ledger's filters except the text search, as one Q on Clue or on HandledClue: the columns they read
    have the same names on both, and `pk` names the clue's id (`clue_id` on HandledClue).

    `skip_status` leaves the status filter out, for the per-status counts beside the list.
    """
    v = params if isinstance(params, Parsed) else parse(params)
    q = Q()
    if v.get("status") and not skip_status:
        q &= Q(status__in=v["status"])
    for name in ("category", "channel"):
        if v.get(name):
            q &= Q(**{name: v[name]})
    if v.get("finding"):
        q &= Q(finding_result=v["finding"])
    if v.get("sector"):
        q &= Q(sector_id=v["sector"])
    if v.get("unit"):
        q &= Q(responsible_unit_id=v["unit"])
    if v.get("office"):
        path = office_path(v)
        if path:
            q &= Q(office_id__in=Unit.objects.filter(path__startswith=path).values("pk"))
        else:
            q &= Q(**{f"{pk}__in": []})
    if v.get("overdue"):
        q &= Q(status__in=OPEN_STATUSES, deadline_at__lt=timezone.now())
    if v.get("due_soon"):
        now = timezone.now()
        q &= Q(status__in=OPEN_STATUSES, deadline_at__gte=now, deadline_at__lt=now + DUE_SOON)
    if v.get("awaiting"):
        waiting = Transfer.objects.awaiting_answer_from(v["awaiting"]).values("clue_id")
        q &= Q(**{f"{pk}__in": waiting})
    if v.get("umbrella"):
        q &= Q(is_umbrella=True)
    q &= _between("received_at", v.get("received_from"), v.get("received_to"))
    q &= _between("concluded_at", v.get("concluded_from"), v.get("concluded_to"))
    return q


def office_path(values: Parsed) -> str | None:
    """The path of the `office` filter's unit (None when there is no such unit), looked up once per Parsed."""
    if "_office_path" not in values:
        values["_office_path"] = (
            Unit.objects.filter(pk=values["office"]).values_list("path", flat=True).first()
        )
    return values["_office_path"]


def text_of(values: Mapping[str, Any]) -> str:
    """The text search `q` (Clue only: number, summary, source reference, names of the reported subjects)."""
    return (values.get("q") or "").strip()


def filter_clues(
    qs: QuerySet[Clue],
    params: Mapping[str, Any] | None,
    *,
    skip_status: bool = False,
    counting: bool = False,
    reach: Reach = Reach.PART,
) -> QuerySet[Clue]:
    """Apply the ledger filters and sort to an already visible queryset.

    `skip_status` leaves the status filter out, for the per-status counts beside the list; `counting` says
    every match will be read, as by counts and exports (the text search narrows by its index more readily
    then, text_filter.way); without it the caller reads a page, which stops early. `reach`: how much of the
    ledger the queryset's person sees (visibility.rule.Reach), which text_filter.way weighs too.
    """
    v = params if isinstance(params, Parsed) else parse(params)
    q = ledger_q(v, skip_status=skip_status)
    text = text_of(v)
    walked = True
    if text:
        chosen = text_filter.way(text, counting=counting, cache=v, reach=reach)
        q &= text_filter.q_for(text, chosen, v, counting=counting)
        walked = chosen is not text_filter.Way.INDEX
    return qs.filter(q).order_by(*sort_of(v, walked=walked))


def sort_of(values: Mapping[str, Any], *, pk: str = "id", walked: bool = True) -> tuple[Any, ...]:
    """The order_by of the chosen sort (the default for a missing or unknown one); `pk` names the id
    tie-breaker (`clue_id` on HandledClue). Not `walked`: the same order in expressions no index serves
    (COALESCE(key, key) is the key, NULLs included), for a query whose rows come from bitmaps, which the
    planner would otherwise read by walking a sort order's index with a LIMIT, asking each row its filter
    (text_filter.q_for: a discipline handler's page of 小 took 8.5 s that way)."""
    order = SORTS.get(values.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    keys = tuple(pk if key == "id" else f"-{pk}" if key == "-id" else key for key in order)
    return keys if walked else tuple(_unindexed(key) for key in keys)


def _unindexed(key: str) -> Any:
    """`key` as an order_by expression no index serves: COALESCE(field, field), descending for `-field`."""
    field = key.removeprefix("-")
    expression = Coalesce(F(field), F(field))
    return expression.desc() if key.startswith("-") else expression.asc()


def status_counts(
    qs: QuerySet[Clue], params: Mapping[str, Any] | None, *, reach: Reach = Reach.PART
) -> dict[str, int]:
    """How many clues of `qs` (already visible) match the other filters, per status (one query): the live form
    of visibility.answers.visible_status_counts (`reach` as filter_clues')."""
    with counting(qs.db):
        rows = (
            filter_clues(qs, params, skip_status=True, counting=True, reach=reach)
            .order_by()
            .values_list("status")
        )
        return {status: n for status, n in rows.annotate(n=Count("id"))}


@contextmanager
def counting(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction for a statement that reads every match (counts, exports), its filters built inside it.

    On PostgreSQL, JIT compilation off (a count over a million rows costs enough for the planner to compile
    it, which took longer than the count itself) and work_mem at COUNTING_WORK_MEM: the text search's index
    path ORs bitmaps of its candidates, which past work_mem turn lossy, and a lossy page is re-checked row by
    row through the grams function (text_filter.way takes that path only where the bitmap fits the work_mem
    in force, which it reads inside this transaction)."""
    if connections[alias].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # SET LOCAL, in one statement.
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true)", [COUNTING_WORK_MEM]
        )
        yield


def listed_total(counts: Mapping[str, int], values: Mapping[str, Any]) -> int:
    """How many clues the list holds: the counts of the chosen statuses (all of them when none is chosen)."""
    chosen = values.get("status") or []
    return sum(n for status, n in counts.items() if not chosen or status in chosen)


def querystring(params: Mapping[str, Any], **overrides: Any) -> str:
    """The GET string for the same filters (for links to other pages, sorting and the export)."""
    query = QueryDict(mutable=True)
    if isinstance(params, QueryDict):
        for key in params:
            query.setlist(key, params.getlist(key))
    else:
        for key, value in params.items():
            query.setlist(key, value if isinstance(value, list) else [value])
    for key, value in overrides.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()

"""The ledger (台账): the filtered list with counts per status, and the export of exactly what is listed."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from taizhang.clues import exports
from taizhang.clues.choices import Category, Channel, ClueStatus, labels
from taizhang.clues.filters import (
    SORT_LABELS,
    ClueFilterForm,
    counting,
    filter_clues,
    listed_total,
    parse,
    querystring,
)
from taizhang.clues.models import Clue, ReportedSubject
from taizhang.clues.permissions import OFFICE_ACTORS
from taizhang.clues.visibility.answers import page_of, visible_status_counts
from taizhang.core import audit
from taizhang.org.models import Sector, Unit
from taizhang.org.visibility import scope_of

PAGE_SIZES = (20, 50, 100, 200)


def page_size(request: HttpRequest) -> int:
    try:
        per = int(request.GET.get("per", 50))
    except ValueError:
        per = 50
    return per if per in PAGE_SIZES else 50


# What a ledger row (the page and the API's list) reads of a clue and its relations, and nothing more: every
# column selected is also hashed by Django's compiler when the rows are sorted.
ROW_FIELDS = (
    "id",
    "version",
    "number",
    "channel",
    "received_at",
    "summary",
    "category",
    "priority",
    "status",
    "is_umbrella",
    "office_id",
    "deadline_at",
    "finding_result",
    "concluded_at",
    "sector__name",
    "responsible_unit__name",
    "responsible_unit__short_name",
    "responsible_person__username",
    "responsible_person__display_name",
)


def with_row_relations(qs: QuerySet[Clue]) -> QuerySet[Clue]:
    """What a ledger row shows besides the clue itself and its subjects (see attach_subject_names)."""
    return qs.select_related("sector", "responsible_unit", "responsible_person").only(*ROW_FIELDS)


def attach_subject_names(clues: list[Clue]) -> list[Clue]:
    """Each clue's reported subjects' names, in the order registered, as `clue.subject_list`: one query.

    Read by hand rather than with prefetch_related, which builds a related manager and a filtered queryset
    for every row (a third of the ledger page's time for 50 rows).
    """
    names: dict[int, list[str]] = {clue.pk: [] for clue in clues}
    rows = (
        ReportedSubject.objects.filter(clue_id__in=list(names)).order_by("id").values_list("clue_id", "name")
    )
    for clue_id, name in rows:
        names[clue_id].append(name)
    for clue in clues:
        clue.subject_list = names[clue.pk]  # type: ignore[attr-defined]
    return clues


@dataclass
class LedgerPage:
    """One page of the ledger fetched without a COUNT(*): one row more than shown tells if a next page exists."""

    object_list: list[Clue]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def ledger_page(user: object, values: dict, number: object, per: int) -> LedgerPage:
    """Page `number` of what `user` may see under the filters `values` (ids first: see visibility.answers.page_of)."""
    try:
        page = max(1, min(int(str(number or 1)), 100_000))
    except ValueError:
        page = 1
    start = (page - 1) * per
    rows = page_of(user, with_row_relations(Clue.objects.all()), values, start, start + per + 1)
    return LedgerPage(object_list=attach_subject_names(rows[:per]), number=page, has_next=len(rows) > per)


def _counts_context(request: HttpRequest, values: dict) -> dict:
    counts = visible_status_counts(request.user, values)
    chosen = values.get("status") or []
    return {
        "total": listed_total(counts, values),
        "total_all": sum(counts.values()),
        "status_tabs": _tabs(request, chosen, counts),
        "all_query": querystring(request.GET, status=None, page=None, fragment=None),
        "form": ClueFilterForm(request.GET),
    }


def _tabs(request: HttpRequest, chosen: list[str], counts: dict[str, int] | None) -> list[dict]:
    return [
        {
            "value": status.value,
            "label": status.label,
            "count": None if counts is None else counts.get(status.value, 0),
            "active": status.value in chosen,
            "query": querystring(request.GET, status=status.value, page=None, fragment=None),
        }
        for status in ClueStatus
    ]


def _day(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _prepare_rows(clues: list[Clue]) -> None:
    """What each ledger row shows, worked out once in Python: the template only prints (a page has 200 rows
    at most, and the template engine's per-lookup cost dominated the page)."""
    channel, category, status_label = labels(Channel), labels(Category), labels(ClueStatus)
    marker = 987654321
    url = reverse("clues:detail", args=[marker])
    now = timezone.now()
    for clue in clues:
        row: Any = clue
        row.url = url.replace(str(marker), str(clue.pk))
        row.channel_label = channel.get(clue.channel, "")
        row.category_label = category.get(clue.category, "")
        row.status_label = status_label.get(clue.status, "")
        row.subject_names = "、".join(row.subject_list)
        row.received_day = _day(clue.received_at)
        row.deadline_day = _day(clue.deadline_at) if clue.is_open else ""
        row.overdue = bool(row.deadline_day and clue.deadline_at and clue.deadline_at < now)
        unit, person = clue.responsible_unit, clue.responsible_person
        row.unit_label = unit.label if unit else ""
        row.person_label = str(person) if unit and person else ""


@login_required
def clue_list(request: HttpRequest) -> HttpResponse:
    """The ledger: filters, sort and pages within what the person may see.

    The counts per status (a scan of everything visible: the whole city for the office) come in a second
    request (`?fragment=counts`, loaded by htmx), so the rows appear at once however large the ledger is.
    """
    values = parse(request.GET)
    if request.GET.get("fragment") == "counts":
        return render(request, "clues/_counts.html", _counts_context(request, values))
    page = ledger_page(request.user, values, values.get("page"), page_size(request))
    _prepare_rows(page.object_list)
    scope = scope_of(request.user)
    return render(
        request,
        "clues/list.html",
        {
            "form": ClueFilterForm(request.GET),
            "page": page,
            "status_tabs": _tabs(request, values.get("status") or [], None),
            "all_query": querystring(request.GET, status=None, page=None),
            "query": querystring(request.GET, page=None),
            "counts_query": querystring(request.GET, page=None, fragment="counts"),
            "sorts": SORT_LABELS,
            "current_sort": values.get("sort") or "-received_at",
            "sectors": Sector.objects.filter(is_active=True).order_by("sort_order", "id"),
            "units": Unit.objects.visible_to(request.user).order_by("path"),
            "can_register": bool(scope and scope.office_path and scope.has(*OFFICE_ACTORS)),
            "now": timezone.now(),
            "per": page_size(request),
            "page_sizes": PAGE_SIZES,
        },
    )


@login_required
def export_xlsx(request: HttpRequest) -> FileResponse:
    """Export what I see: the same filters and visibility as the list, as an .xlsx in the ledger layout."""
    values = parse(request.GET)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    with counting(Clue.objects.db):  # every match is read
        qs = filter_clues(Clue.objects.visible_to(request.user), values, counting=True)
        count = exports.write_xlsx(qs, out)
    out.seek(0)
    audit.record(
        "clue.export",
        actor=request.user,
        object_type="clues.ledger",
        after={"rows": count, "query": request.GET.urlencode()[:500]},
    )
    name = f"线索台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(
        out,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

"""What the worker supervises: every deadline of a clue, a task or a listed item, streamed in keyset batches.

Each source yields `Item`s: a deadline, who acts, and who is told at each stage. Memory stays constant: rows are
streamed in batches ordered by (deadline, id), and the Directory caches people per unit only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, Exists, Model, OuterRef, Q, QuerySet, When
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from taizhang.clues.choices import OPEN_STATUSES
from taizhang.clues.models import Clue, Transfer
from taizhang.supervision.choices import DeadlineStep, ListingStatus, TaskStatus, step_label
from taizhang.supervision.models import ListedSupervision, Task
from taizhang.supervision.owners import owner_of
from taizhang.supervision.recipients import Directory

BATCH = 2000


@dataclass
class Item:
    """One supervised deadline and the people concerned at each stage."""

    kind: str  # "clue" | "task" | "listed"
    pk: int
    number: str
    title: str
    office_id: int
    deadline: dt.datetime
    step: str
    step_label: str
    url: str
    unit_id: int | None = None
    # Who is reminded and urged, the unit leaders (first escalation), the office (second escalation).
    actors: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    office: list[int] = field(default_factory=list)
    # Whether an overdue item gets a 催办单 (not when the office is late on its own step).
    urging_notice: bool = True
    # A 保护伞 clue (or a record about one): its text never travels in a message body.
    sensitive: bool = False

    @property
    def body(self) -> str:
        return "" if self.sensitive else self.title

    def key(self, event: str) -> str:
        return f"{self.kind}:{self.pk}:{self.step}:{self.deadline:%Y%m%d%H%M%S}:{event}"


def _url_pattern(name: str, fallback: str) -> str:
    try:
        return reverse(name, args=[987654321]).replace("987654321", "{pk}")
    except NoReverseMatch:
        return fallback


def keyset(qs: QuerySet, fields: tuple[str, ...], horizon: dt.datetime, date_field: str) -> Iterator[tuple]:
    """Stream `fields` of rows with date_field <= horizon in (date_field, id) order, BATCH rows at a time.

    One query through a server-side cursor on PostgreSQL (one index range scan and one sort). Paging with
    "(date, id) > last" re-scanned the rest of the window for every page: quadratic at 50,000 due rows, many
    of which share an end-of-day deadline.
    """
    base = qs.filter(**{f"{date_field}__lte": horizon}).order_by(date_field, "id")
    yield from base.values_list(*fields).iterator(chunk_size=BATCH)


def clue_items(horizon: dt.datetime, d: Directory) -> Iterator[Item]:
    """Open clues whose current deadline falls before the horizon."""
    url = _url_pattern("clues:detail", "/clues/{pk}/")
    fields = (
        "id",
        "number",
        "summary",
        "office_id",
        "status",
        "deadline_step",
        "deadline_at",
        "responsible_unit_id",
        "responsible_person_id",
        "is_umbrella",
    )
    qs = Clue.objects.filter(status__in=OPEN_STATUSES, deadline_at__isnull=False)
    batch: list[tuple] = []
    for row in keyset(qs, fields, horizon, "deadline_at"):
        batch.append(row)
        if len(batch) >= BATCH:
            yield from _clue_batch(batch, d, url)
            batch = []
    if batch:
        yield from _clue_batch(batch, d, url)


def _clue_batch(rows: list[tuple], d: Directory, url: str) -> Iterator[Item]:
    waiting = [r[0] for r in rows if r[5] == DeadlineStep.REGISTER_TRANSFER]
    receivers = (
        dict(
            Transfer.objects.awaiting_answer()
            .filter(clue_id__in=waiting)
            .order_by("sent_at", "pk")  # the latest pending transfer wins, as in owners.pending_receiver
            .values_list("clue_id", "receiver_unit_id")
        )
        if waiting
        else {}
    )
    labels: dict[str, str] = {}
    for pk, number, summary, office_id, status, step, deadline, unit_id, person_id, umbrella in rows:
        label = labels.get(step)
        if label is None:
            label = labels[step] = step_label(step)
        item = Item("clue", pk, number, summary, office_id, deadline, step, label, url.format(pk=pk), unit_id)
        item.office = d.office_leaders(office_id)
        item.sensitive = umbrella
        owner, is_office = owner_of(
            status=status,
            step=step,
            responsible_unit_id=unit_id,
            office_id=office_id,
            receiver_id=receivers.get(pk),
        )
        if is_office:
            item.unit_id = None
            item.actors = d.office(office_id)
            item.leaders = []
            item.urging_notice = False
        elif owner != unit_id:  # a receiver registering a transfer
            item.unit_id = owner
            item.actors = d.liaisons(owner)
            item.leaders = d.leaders(owner)
        elif status == "awaiting_signoff":
            item.actors = d.leaders(unit_id) + d.liaisons(unit_id)
            item.leaders = d.leaders(unit_id)
        else:
            item.actors = ([person_id] if person_id else []) + d.liaisons(unit_id)
            item.leaders = d.leaders(unit_id)
        yield item


def task_items(horizon: dt.datetime, d: Directory) -> Iterator[Item]:
    """Open tasks (meeting decisions and others) whose deadline falls before the horizon."""
    url = _url_pattern("supervision:task_detail", "/supervision/tasks/{pk}/")
    fields = ("id", "number", "title", "office_id", "due_at", "owner_unit_id", "owner_person_id")
    qs = Task.objects.filter(status=TaskStatus.OPEN)
    for pk, number, title, office_id, due, unit_id, person_id in keyset(qs, fields, horizon, "due_at"):
        item = Item(
            "task", pk, number, title, office_id, due, "task", _("督办任务"), url.format(pk=pk), unit_id
        )
        item.actors = ([person_id] if person_id else []) + d.liaisons(unit_id)
        item.leaders = d.leaders(unit_id)
        item.office = d.office_leaders(office_id)
        yield item


def listed_items(horizon: dt.datetime, d: Directory) -> Iterator[Item]:
    """Listed supervision (挂牌督办) items with their own deadline before the horizon."""
    url = _url_pattern("supervision:listed_detail", "/supervision/listed/{pk}/")
    fields = ("id", "target_label", "level", "office_id", "deadline_at", "unit_id", "about_umbrella")
    umbrella_clues = Clue.objects.filter(pk=OuterRef("target_id"), is_umbrella=True)
    qs = ListedSupervision.objects.filter(status=ListingStatus.LISTED).annotate(
        about_umbrella=Case(
            When(
                Q(target_type_id=ContentType.objects.get_for_model(Clue).pk) & Exists(umbrella_clues),
                then=True,
            ),
            default=False,
            output_field=BooleanField(),
        )
    )
    for pk, label, _level, office_id, deadline, unit_id, umbrella in keyset(
        qs, fields, horizon, "deadline_at"
    ):
        item = Item(
            "listed",
            pk,
            f"GP{pk}",
            label,
            office_id,
            deadline,
            "listed",
            _("挂牌督办"),
            url.format(pk=pk),
            unit_id,
        )
        item.actors = d.liaisons(unit_id) if unit_id else d.office(office_id)
        item.leaders = d.leaders(unit_id)
        item.office = d.office_leaders(office_id)
        item.urging_notice = unit_id is not None
        item.sensitive = bool(umbrella)
        if item.sensitive:
            item.title = ""  # the listing's label carries the 保护伞 clue's summary
        yield item


SOURCES = [clue_items, task_items, listed_items]


def target_model(kind: str) -> type[Model]:
    return {"clue": Clue, "task": Task, "listed": ListedSupervision}[kind]

"""Registering many clues in one transaction (the ferry's import, the hand-down): the rules of
`prepare_registration`, the rows written in bulk, the numbers taken last, the audit entries chained last, one
workflow event for all.

Use: `batch = BulkRegistration(actor)`, then `batch.add(prepare_registration(...))` for a chunk of clues and
`batch.flush()` (the clues get their ids and a provisional number; attach rows to them), and so on chunk by
chunk; finally `batch.finish()` inside the same transaction.

Memory does not grow with the package: between chunks only the package's first and last clue id and a count per
year are kept. `finish` reads the clues back from their rows, a chunk at a time in the order they were added
(ids ascend with every insert of one transaction; each provisional number carries its place, and `finish`
checks the two agree), numbers them and writes each one's audit entry from the row: the snapshot
`do_register_clue` records (`registered_audit`), its times in the current time zone as `prepare_registration`
made them. That the rows are the clues as registered holds because nothing in the package changes a clue
between its insert and `finish`: the callers only insert rows pointing at it (attachments, receipts,
`exchange.Received`), and every action that changes a clue bumps its `version`, which `finish` checks is still
the one it was inserted with (`tests/exchange/test_bulk_hand_down.py`, `tests/ferry/test_bulk_import.py` hold
the entries equal to registering one by one).

Numbers: the office's counter row is locked by the first registration that takes a number until it commits, so
holding it for a whole package would make every other registration in the office wait. The clues are inserted
under provisional numbers instead; `finish` reserves the whole block in one statement per year (the counter
moves on by the package's count) and numbers them, in the order they were added, just before the commit.
Numbers stay unique and gapless: a rolled-back package rolls its block back with it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connections, models, router
from django.utils import timezone

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import AUDITED_FIELDS, _add_recusals
from taizhang.clues.actions.registration import (
    NumberBlock,
    Registration,
    number_year,
    registered_audit,
    reserve_block,
)
from taizhang.clues.models import Clue, Recusal, ReportedSubject, Reporter
from taizhang.core import audit
from taizhang.core.models import AuditEntry
from taizhang.core.signals import emit_many_on_commit
from taizhang.org.actors import Actor
from taizhang.org.models import Unit

PROVISIONAL = "~"  # provisional numbers start with it; no pattern of the counter does
_READ = 500  # clues read back, numbered and audited per statement in `finish`
_PLACE = 9  # digits of a clue's place in its package, in its provisional number
_TIMES = [n for n in AUDITED_FIELDS if isinstance(Clue._meta.get_field(n), models.DateTimeField)]


@dataclass
class BulkRegistration:
    actor: Actor
    pending: list[Registration] = field(default_factory=list)
    office: Unit | None = None
    # This package's provisional numbers: PROVISIONAL, the token, the clue's place (zero-padded).
    token: str = field(default_factory=lambda: f"{PROVISIONAL}{uuid.uuid4().hex[:20]}")
    added: int = 0
    first_id: int = 0
    last_id: int = 0
    years: Counter[int] = field(default_factory=Counter)
    version: int = 0  # what every clue was inserted with

    def add(self, reg: Registration) -> Registration:
        if self.office is None:
            self.office = reg.clue.office
        elif reg.clue.office_id != self.office.pk:
            raise ValueError("one office per bulk registration")
        self.pending.append(reg)
        return reg

    def flush(self) -> list[Clue]:
        """Insert the pending registrations (clues, subjects, recusals, reporters), a few statements in all."""
        regs, self.pending = self.pending, []
        if not regs:
            return []
        for reg in regs:
            reg.clue.number = f"{self.token}{self.added:0{_PLACE}d}"
            self.added += 1
            self.years[number_year(reg.clue)] += 1
            self.version = self.version or reg.clue.version
            if reg.clue.version != self.version:
                raise ValueError("every clue of a bulk registration is inserted with the same version")
        clues = Clue.objects.bulk_create([reg.clue for reg in regs])
        self.first_id = self.first_id or clues[0].pk
        self.last_id = clues[-1].pk
        subjects: list[ReportedSubject] = []
        recusals: list[Recusal] = []
        for reg, clue in zip(regs, clues, strict=True):
            for row in reg.subjects:
                row.clue = clue
            subjects += reg.subjects
            reg.reporter.clue = clue
            # The same rows `_add_recusals` writes for one clue, collected for one statement.
            recusals += _add_recusals(clue, {row.unit_id for row in reg.subjects if row.unit_id}, save=False)
        ReportedSubject.objects.bulk_create(subjects)
        Recusal.objects.bulk_create(recusals, ignore_conflicts=True)
        Reporter.objects.bulk_create([reg.reporter for reg in regs])
        return clues

    def finish(self) -> list[int]:
        """Number the clues, chain their audit entries and queue one workflow event; the clues' ids."""
        self.flush()
        if not self.added or self.office is None:
            return []
        office = self.office
        blocks = {year: reserve_block(office, year, n) for year, n in sorted(self.years.items())}
        ids = array("q")
        audit.append_many(self._numbered(blocks, ids))
        emit_many_on_commit(
            model="clues.clue",
            object_ids=ids.tolist(),
            action="clue.register",
            actor=None if perm.is_system(self.actor) else self.actor,
        )
        return ids.tolist()

    def _numbered(self, blocks: dict[int, NumberBlock], ids: array[int]) -> Iterator[AuditEntry]:
        """Chunk by chunk in the order added: the clues read back, numbered, and the entry `do_register_clue`
        writes for each (its snapshot from the row)."""
        for chunk in self._written():
            numbers: dict[int, str] = {}
            for clue in chunk:
                numbers[clue.pk] = clue.number = blocks[number_year(clue)].take()
                ids.append(clue.pk)
            _set_numbers(numbers)
            for clue in chunk:
                yield audit.entry(
                    "clue.register",
                    actor=self.actor,
                    object_type=Clue._meta.label_lower,
                    object_id=clue.pk,
                    object_repr=f"{clue.number} {clue.summary}",
                    after=registered_audit(clue),
                )

    def _written(self) -> Iterator[list[Clue]]:
        """This package's clues as their rows say, `_READ` at a time, in the order they were added."""
        fields = ["id", "number", "summary", "received_at", "version", *AUDITED_FIELDS]
        mine = Clue.objects.filter(
            pk__gte=self.first_id, pk__lte=self.last_id, number__startswith=self.token
        ).only(*fields)
        after, place = 0, 0
        while chunk := list(mine.filter(pk__gt=after).order_by("pk")[:_READ]):
            for clue in chunk:
                if clue.number != f"{self.token}{place:0{_PLACE}d}" or clue.version != self.version:
                    raise RuntimeError(f"clue {clue.pk} changed between its insert and its numbering")
                place += 1
                _as_prepared(clue)
            after = chunk[-1].pk
            yield chunk
        if place != self.added:
            raise RuntimeError(f"{self.added} clues registered, {place} found to number")


def _as_prepared(clue: Clue) -> None:
    """A clue read back holds its times as the database returns them (UTC); `prepare_registration` made them in
    the current time zone (`deadlines.end_of_day`), which is what the audit snapshot records."""
    for name in _TIMES:
        value = getattr(clue, name)
        if isinstance(value, dt.datetime):
            setattr(clue, name, timezone.localtime(value))


def _set_numbers(numbers: dict[int, str]) -> None:
    """Give the clues their numbers: on PostgreSQL one UPDATE joined to the pairs sent as one json text (the
    ORM's bulk_update builds a CASE of every row in Python, a second per 600 clues); elsewhere bulk_update."""
    connection = connections[router.db_for_write(Clue)]
    if connection.vendor != "postgresql":
        Clue.objects.bulk_update(
            [Clue(pk=pk, number=number) for pk, number in numbers.items()], ["number"], batch_size=500
        )
        return
    table = Clue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET number = r->>1 FROM json_array_elements(%s::json) AS r "  # noqa: S608 - ours
            f"WHERE {table}.id = (r->>0)::bigint",
            [json.dumps(list(numbers.items()), ensure_ascii=False)],
        )

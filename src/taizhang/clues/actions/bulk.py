"""Registering many clues in one transaction (the ferry's import): the rules of `prepare_registration`, the rows
written in bulk, the numbers taken last, the audit entries chained last, one workflow event for all.

Use: `batch = BulkRegistration(actor)`, then `batch.add(prepare_registration(...))` for a chunk of clues and
`batch.flush()` (the clues get their ids and a provisional number; attach rows to them), and so on chunk by
chunk; finally `batch.finish()` inside the same transaction. What is kept between chunks is a few small values
per clue (about 0.4 KB: its id, year, summary and audit snapshot as JSON text), so memory barely grows with the
package.

Numbers: the office's counter row is locked by the first registration that takes a number until it commits, so
holding it for a whole package would make every other registration in the office wait. The clues are inserted
under provisional numbers instead; `finish` reserves the whole block in one statement per year (the counter
moves on by the package's count) and numbers them, in the order they were added, just before the commit.
Numbers stay unique and gapless: a rolled-back package rolls its block back with it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connections, router

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import _add_recusals
from taizhang.clues.actions.registration import (
    Registration,
    number_year,
    registered_audit,
    reserve_numbers,
)
from taizhang.clues.models import Clue, Recusal, ReportedSubject, Reporter
from taizhang.core import audit
from taizhang.core.models import AuditEntry
from taizhang.core.signals import emit_many_on_commit
from taizhang.org.actors import Actor
from taizhang.org.models import Unit

PROVISIONAL = "~"  # provisional numbers start with it; no pattern of the counter does


@dataclass(slots=True)
class _Done:
    """What a written clue's number and audit entry still need: its audit snapshot kept as compact JSON text
    (a dict of it cost 1.7 KB a clue, held to the end of the package)."""

    pk: int
    year: int
    summary: str
    after_json: str


@dataclass
class BulkRegistration:
    actor: Actor
    pending: list[Registration] = field(default_factory=list)
    done: list[_Done] = field(default_factory=list)
    office: Unit | None = None

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
            reg.clue.number = f"{PROVISIONAL}{uuid.uuid4().hex}"
        clues = Clue.objects.bulk_create([reg.clue for reg in regs])
        subjects: list[ReportedSubject] = []
        recusals: list[Recusal] = []
        for reg, clue in zip(regs, clues, strict=True):
            for row in reg.subjects:
                row.clue = clue
            subjects += reg.subjects
            reg.reporter.clue = clue
            # The same rows `_add_recusals` writes for one clue, collected for one statement.
            recusals += _add_recusals(clue, {row.unit_id for row in reg.subjects if row.unit_id}, save=False)
            after = json.dumps(registered_audit(clue), ensure_ascii=False, separators=(",", ":"))
            self.done.append(_Done(clue.pk, number_year(clue), clue.summary, after))
        ReportedSubject.objects.bulk_create(subjects)
        Recusal.objects.bulk_create(recusals, ignore_conflicts=True)
        Reporter.objects.bulk_create([reg.reporter for reg in regs])
        return clues

    def finish(self) -> list[int]:
        """Number the clues, chain their audit entries and queue one workflow event; the clues' ids."""
        self.flush()
        if not self.done or self.office is None:
            return []
        office = self.office
        numbers: dict[int, str] = {}
        for year in sorted({d.year for d in self.done}):
            ids = [d.pk for d in self.done if d.year == year]
            numbers.update(zip(ids, reserve_numbers(office, year, len(ids)), strict=True))
        _set_numbers(numbers)
        audit.append_many(self._entries(numbers))
        ids = [d.pk for d in self.done]
        emit_many_on_commit(
            model="clues.clue",
            object_ids=ids,
            action="clue.register",
            actor=None if perm.is_system(self.actor) else self.actor,
        )
        return ids

    def _entries(self, numbers: dict[int, str]) -> Iterator[AuditEntry]:
        # The entry `do_register_clue` writes for each clue, in the order the clues were added.
        for d in self.done:
            yield audit.entry(
                "clue.register",
                actor=self.actor,
                object_type=Clue._meta.label_lower,
                object_id=d.pk,
                object_repr=f"{numbers[d.pk]} {d.summary}",
                after=json.loads(d.after_json),
            )


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

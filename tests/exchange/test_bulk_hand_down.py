"""The hand-down registers its clues in bulk (exchange.down through clues.actions.bulk, the ferry's path); it
must leave exactly what registering each record through the single action does (the hand-down before the bulk
path): the same clues and fields, subjects, recusals, 保护伞 flags, reporters (sealed again here), files,
Received rows (a clue handed down again only gets the new deadline), audit entries with the chain intact, and
gapless numbers in package order. A refused record still refuses the whole package."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.db.models import F

from taizhang.clues.actions import ReporterData, SubjectData, do_register_clue
from taizhang.clues.actions.assignment import do_assign_clue, do_withdraw_assignment
from taizhang.clues.actions.bulk import PROVISIONAL
from taizhang.clues.actions.outcomes import do_add_attachment
from taizhang.clues.actions.registration import do_triage_clue
from taizhang.clues.choices import Channel
from taizhang.clues.models import Attachment, Clue, ClueCounter, Recusal, ReportedSubject, Reporter
from taizhang.core import audit, clock, files, sealing
from taizhang.core.models import AuditEntry
from taizhang.exchange import down, keys, registry
from taizhang.exchange.models import Received
from taizhang.ferry import package
from taizhang.org.models import Sector

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 5, 12, 10, 0, tzinfo=dt.UTC)


def _upper(levels: Any, summary: str, *, attach: bool = False, **fields: Any) -> Clue:
    """A clue registered at the city, triaged and assigned to the county's instance."""
    staff = levels.world.people["office_staff"]
    clue = do_register_clue(
        actor=staff,
        office=levels.world.units["city"],
        channel=fields.pop("channel", Channel.PLATFORM_12337),
        received_at=clock.now(),
        summary=summary,
        facts="某团伙强迫运输车辆从其砂石场进货。",
        subjects=fields.pop("subjects", [SubjectData(name="钱某")]),
        **fields,
    )
    if attach:
        do_add_attachment(
            clue.pk, actor=staff, name="照片.txt", content_type="text/plain", chunks=[summary.encode()]
        )
    do_triage_clue(clue.pk, actor=staff, in_scope=True, category="evil")
    do_assign_clue(clue.pk, actor=staff, unit=levels.child.unit, instructions="限期核查")
    return clue


def _package(levels: Any) -> Path:
    """A first package with one clue (applied), then one carrying it again beside new clues of every kind."""
    staff = levels.world.people["office_staff"]
    again = _upper(levels, "先前交办的线索")
    levels.apply_below(levels.send_down())
    levels.as_upper()
    do_withdraw_assignment(again.pk, actor=staff, reason="重新交办")
    do_assign_clue(
        again.pk,
        actor=staff,
        unit=levels.child.unit,
        instructions="补充核查",
        due=clock.now() + dt.timedelta(days=9),
    )
    real_name = ReporterData(kind="real_name", identity={"name": "李明", "phone": "13800000000"})
    _upper(levels, "实名举报，附照片", attach=True, reporter=real_name)
    _upper(  # names a unit of the county: it steps back there (recusal)
        levels, "县交通运输局纵容", subjects=[SubjectData(name="孙某", unit_name="县交通运输局")]
    )
    # 保护伞 clues are not the office staff's to assign at the city: the flags are set after the assignment.
    official = _upper(levels, "某局长充当保护伞", subjects=[SubjectData(name="赵某", position="局长")])
    ReportedSubject.objects.filter(clue=official).update(is_official=True)
    sector = Sector.objects.first()
    assert sector is not None
    alleged = _upper(
        levels,
        "来访反映，匿名",
        channel=Channel.VISIT,
        sector=sector,
        place="东湖区码头",
        subjects=[SubjectData(name="周某"), SubjectData(name="某砂石公司", kind="organisation")],
    )
    Clue.objects.filter(pk=alleged.pk).update(alleges_umbrella=True)
    return levels.send_down()


def _one_by_one(levels: Any, path: Path) -> None:
    """What the hand-down did before the bulk path: each record through do_register_clue, one by one."""
    levels.as_lower()
    pkg = registry.verify(path, kind=package.EXCHANGE_DOWN, claimed="city", receiver=keys.own().instance_id)[
        1
    ]
    secrets = keys.own().sealing_keys
    sectors = {s.code: s for s in Sector.objects.all()}
    with transaction.atomic():
        for row in pkg.lines(down.CLUES):
            received = Received.objects.filter(partner=levels.parent, upper_number=row["ref"]).first()
            if received is not None:
                received.upper_due_at = row["due_at"]
                received.instructions = row.get("instructions", "")
                received.save(update_fields=["upper_due_at", "instructions"])
                continue
            clue = do_register_clue(
                actor=down.ACTOR,
                office=down.intake_office(),
                **down.registration_fields(pkg, row, secrets, sectors),
            )
            for meta in row["files"]:
                stored = files.store([down.open_sealed_box(secrets, pkg.read_part(meta["part"]), pkg)])
                Attachment.objects.create(
                    clue=clue,
                    original_name=meta["name"],
                    content_type=meta["content_type"],
                    size=stored.size,
                    sha256=stored.sha256,
                    storage_path=stored.storage_path,
                    uploaded_at=clock.now(),
                )
            Received.objects.create(
                clue=clue,
                partner=levels.parent,
                upper_number=row["ref"],
                upper_due_at=row["due_at"],
                instructions=row["instructions"],
                sequence=pkg.sequence,
            )


def _state(levels: Any, first_audit: int) -> dict[str, Any]:
    """Everything the registrations wrote at the county, keyed by clue number instead of ids."""
    mine = Clue.objects.filter(office=levels.county_office)
    number = dict(mine.values_list("pk", "number"))
    clue_fields = [
        "number",
        *(f.attname for f in Clue._meta.concrete_fields if f.attname not in ("id", "number")),
    ]
    return {
        "clues": sorted(mine.values_list(*clue_fields)),
        "subjects": sorted(
            (number[s.clue_id], s.kind, s.name, s.position, s.unit_name, s.unit_id, s.is_official)
            for s in ReportedSubject.objects.filter(clue__in=mine)
        ),
        "recusals": sorted(
            (number[r.clue_id], r.unit_id, r.reason) for r in Recusal.objects.filter(clue__in=mine)
        ),
        "reporters": sorted(
            (number[r.clue_id], r.kind, r.wants_feedback, json.dumps(sealing.open_sealed(r.sealed_identity)))
            if r.sealed_identity
            else (number[r.clue_id], r.kind, r.wants_feedback, "")
            for r in Reporter.objects.filter(clue__in=mine)
        ),
        "files": sorted(
            (number[a.clue_id], a.original_name, a.content_type, a.size, a.sha256, a.uploaded_by_id)
            for a in Attachment.objects.filter(clue__in=mine)
        ),
        "received": sorted(
            (number[r.clue_id], r.upper_number, r.upper_due_at, r.instructions, r.sequence)
            for r in Received.objects.all()
        ),
        "audit": [
            (
                e.action,
                e.actor_label,
                e.object_type,
                number.get(int(e.object_id)),
                e.object_repr,
                e.after,
                e.at,
            )
            for e in AuditEntry.objects.filter(pk__gte=first_audit, object_type="clues.clue").order_by("pk")
        ],
        "umbrella": list(mine.order_by("number").values_list("is_umbrella", flat=True)),
        "counter": list(
            ClueCounter.objects.filter(office=levels.county_office).values_list("last", flat=True)
        ),
    }


def _run(levels: Any, apply: Any) -> dict[str, Any]:
    """Apply, read the state, then roll everything back (the counter too)."""
    with transaction.atomic():
        first_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
        apply()
        state = _state(levels, first_audit)
        assert audit.verify_chain()[1] is None
        transaction.set_rollback(True)
    return state


def test_bulk_hand_down_equals_registering_one_by_one(levels, monkeypatch):
    monkeypatch.setattr(down, "_CHUNK", 2)  # the five records span three chunks
    with time_machine.travel(MOMENT, tick=False):
        path = _package(levels)
        bulk = _run(levels, lambda: levels.apply_below(path))
        single = _run(levels, lambda: _one_by_one(levels, path))
    numbers = [row[0] for row in bulk["clues"]]
    assert len(numbers) == 5 and not any(n.startswith(PROVISIONAL) for n in numbers)
    year = MOMENT.year
    assert numbers == [f"{year}-XIAN-{seq:06d}" for seq in range(1, 6)]  # gapless, the first clue came before
    assert bulk["counter"] == [5]
    by_number = {row[0]: row for row in bulk["received"]}
    assert by_number[numbers[0]][2:4] == (MOMENT + dt.timedelta(days=9), "补充核查")  # handed down again
    county_unit = levels.county_unit.pk
    assert [r[1] for r in bulk["recusals"]] == [county_unit]
    assert bulk["umbrella"] == [False, False, False, True, True]  # the official named; 保护伞 alleged
    assert [r[3] for r in bulk["reporters"] if r[3]] == [json.dumps({"name": "李明", "phone": "13800000000"})]
    assert len(bulk["files"]) == 1
    # In package order: the numbers follow the upper numbers, and each clue has its registration entry.
    assert [n for _a, _l, _t, n, *_ in bulk["audit"]] == numbers[1:]
    for part in single:
        assert bulk[part] == single[part], part


def test_a_refused_record_in_a_later_chunk_refuses_the_whole_package(levels, monkeypatch):
    monkeypatch.setattr(down, "_CHUNK", 2)
    with time_machine.travel(MOMENT, tick=False):
        _upper(levels, "第一件")
        _upper(levels, "第二件", attach=True)
        bad = _upper(levels, "第三件")
        ReportedSubject.objects.filter(clue=bad).delete()
        path = levels.send_down()
        with pytest.raises(package.PackageRefused) as refused:
            levels.apply_below(path)
    assert refused.value.message == f"上级交办的线索 {bad.number} 无法登记：请至少填写一个被举报对象。"
    assert not Clue.objects.filter(office=levels.county_office).exists()
    assert not Received.objects.exists()
    assert ClueCounter.objects.get(office=levels.county_office).last == 0
    assert audit.verify_chain()[1] is None


def test_the_upper_audits_each_clue_handed_down(levels):
    with time_machine.travel(MOMENT, tick=False):
        clues = [_upper(levels, f"第{i}件") for i in range(3)]
        levels.send_down()
    entries = AuditEntry.objects.filter(action="exchange.handed_down").order_by("pk")
    assert [(e.object_id, e.after) for e in entries] == [
        (str(c.pk), {"detail": {"unit": "测试县扫黑办"}, "sequence": 1}) for c in clues
    ]
    assert audit.verify_chain()[1] is None


def test_answers_going_up_clear_what_came_from_above_statement_by_statement(levels, monkeypatch):
    from taizhang.exchange import transport
    from taizhang.exchange.models import FromAbove
    from taizhang.supervision.actions.records import do_issue_urging_notice

    monkeypatch.setattr(transport, "_IN_BATCH", 1)  # one upper number a statement
    uppers = [_upper(levels, f"第{i}件") for i in range(3)]
    levels.apply_below(levels.send_down())
    levels.as_upper()
    for clue in uppers:
        do_issue_urging_notice(
            Clue.objects.get(pk=clue.pk), actor=levels.world.people["office_staff"], note="请加快核查进度"
        )
    levels.apply_below(levels.send_down())
    assert FromAbove.objects.filter(answered_at=None).count() == 3
    for received in Received.objects.all():
        do_triage_clue(received.clue_id, actor=levels.county_staff, in_scope=True, category="evil")
    levels.send_up()
    assert not FromAbove.objects.filter(answered_at=None).exists()


def _stored(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_package_refused_in_a_later_chunk_leaves_no_file_it_stored(levels, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(down, "_CHUNK", 2)
    with time_machine.travel(MOMENT, tick=False):
        _upper(levels, "第一件", attach=True)
        _upper(levels, "第二件", attach=True)
        bad = _upper(levels, "第三件")
        ReportedSubject.objects.filter(clue=bad).delete()
        path = levels.send_down()
        # The two instances share one database here: the city's rows would name the same files.
        Attachment.objects.all().delete()
        # The county's own store, where one of the files is already kept for a clue of its own.
        settings.MEDIA_ROOT = tmp_path / "county-files"
        kept = files.store(["第一件".encode()])
        before = _stored(tmp_path / "county-files")
        with pytest.raises(package.PackageRefused):
            levels.apply_below(path)
    assert _stored(tmp_path / "county-files") == before  # the second file was stored, then removed
    assert files.storage().exists(kept.storage_path)


def test_a_clue_changed_between_its_insert_and_its_numbering_stops_the_package(levels, monkeypatch):
    """The audit entries are written from the rows at the end: nothing may change a clue before that."""
    monkeypatch.setattr(down, "_CHUNK", 1)
    with time_machine.travel(MOMENT, tick=False):
        _upper(levels, "第一件")
        _upper(levels, "第二件")
        path = levels.send_down()
        real_write = down._Intake._write

        def write_then_edit(self: Any, arrivals: Any) -> None:
            real_write(self, arrivals)
            Clue.objects.filter(number__startswith=PROVISIONAL).update(version=F("version") + 1)

        monkeypatch.setattr(down._Intake, "_write", write_then_edit)
        with pytest.raises(RuntimeError, match="changed between its insert and its numbering"):
            levels.apply_below(path)
    assert not Clue.objects.filter(office=levels.county_office).exists()

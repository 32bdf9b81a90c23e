"""The ferry's bulk registration yields exactly what registering each report through the single action does:
the same clues and fields, subjects, recusals, 保护伞 flags, reporters, files, receipts, audit entries and search
documents, duplicate keys and people mentions. And the office's number counter is taken only at the end."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from typing import Any

import pytest
import time_machine
from django.db import connection, connections, transaction

from taizhang.clues.actions import ReporterData, SubjectData, do_register_clue
from taizhang.clues.actions.bulk import PROVISIONAL
from taizhang.clues.models import Attachment, Clue, Recusal, ReportedSubject, Reporter
from taizhang.core import audit, sealing
from taizhang.core.models import AuditEntry
from taizhang.ferry import keys, ledger_side, package
from taizhang.gate.actions import do_submit_sealed
from taizhang.jobs.runner import run_ready
from taizhang.people.models import Mention
from taizhang.portal import actions as portal_actions
from taizhang.portal.models import Receipt
from taizhang.portal.uploads import CleanFile
from taizhang.search import query
from taizhang.search.models import ClueKey, SearchDocument

MOMENT = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


def _payloads(world: Any) -> list[dict[str, Any]]:
    police = world.units["police"]
    base = {"facts": "某团伙在码头一带强收保护费，不交者遭殴打。", "reporter": {"kind": "anonymous"}}
    return [
        {**base, "summary": "码头收保护费", "subjects": [{"name": "赵某", "kind": "person"}]},
        {  # names an official: 保护伞
            **base,
            "summary": "某所长充当保护伞",
            "subjects": [{"name": "钱某", "kind": "person", "position": "派出所所长", "is_official": True}],
            "umbrella_details": "收受好处，通风报信",
        },
        {  # names one of our units: it steps back (recusal)
            **base,
            "summary": "单位纵容",
            "subjects": [{"name": "孙某", "kind": "person", "unit_name": police.name}],
            "place": "东湖区码头",
            "happened_when": "2026年5月",
        },
        {
            **base,
            "summary": "实名举报砂石垄断",
            "subjects": [{"name": "李某", "kind": "person"}, {"name": "某砂石公司", "kind": "organisation"}],
            "reporter": {"kind": "real_name", "identity": {"name": "王明", "phone": "13900000000"}},
        },
        {**base, "summary": "码头收保护费 又一件", "subjects": [{"name": "赵某", "kind": "person"}]},
    ]


def _submit(sites: Any, payloads: list[dict[str, Any]]) -> None:
    sites.as_portal()
    for i, payload in enumerate(payloads):
        do_submit_sealed(
            payload,
            chosen_passphrase="",
            challenge_nonce=secrets.token_hex(8),
            attachments=[CleanFile(name=f"证据{i}.txt", content_type="text/plain", data=f"证据{i}".encode())],
        )


def _one_by_one(path: Any) -> None:
    """What the import did before the bulk path: each report through register_report, one by one."""
    own, peer = keys.own(), keys.peer()
    pkg = package.verify(
        path,
        sender_key=peer.verify_key,
        sender=peer.site_id,
        receiver=own.site_id,
        kind=package.PORTAL_TO_LEDGER,
    )
    with transaction.atomic():
        for row in pkg.lines("parts/submissions.jsonl"):
            sealed = json.loads(ledger_side._open(own.sealing_keys, ledger_side._b64(row["sealed"])))
            files = ledger_side._clean_files(
                pkg, own.sealing_keys, row.get("files", []), sealed.get("files", [])
            )
            clue = portal_actions.register_report(
                portal_actions.Submission.from_payload(sealed["form"]),
                attachments=files,
                stored=portal_actions.store_all(files),
                received_at=dt.datetime.fromisoformat(sealed["received_at"]),
                channel="portal",
                actor=ledger_side.ACTOR,
            )
            Receipt.objects.create(
                clue=clue, code=str(sealed["ref"]), passphrase_hash="", reporter_key=sealed["reporter_public"]
            )


def _state(first_audit: int, leader: Any) -> dict[str, Any]:
    """Everything the registrations wrote, keyed by clue number instead of ids."""
    number = dict(Clue.objects.values_list("pk", "number"))
    clue_fields = [
        "number",
        *(f.attname for f in Clue._meta.concrete_fields if f.attname not in ("id", "number")),
    ]
    docs = SearchDocument.objects.filter(model="clues.clue")
    return {
        "clues": sorted(Clue.objects.values_list(*clue_fields)),
        "subjects": sorted(
            (number[s.clue_id], s.kind, s.name, s.position, s.unit_name, s.unit_id, s.is_official)
            for s in ReportedSubject.objects.all()
        ),
        "recusals": sorted((number[r.clue_id], r.unit_id, r.reason) for r in Recusal.objects.all()),
        "reporters": sorted(
            (number[r.clue_id], r.kind, r.wants_feedback, json.dumps(sealing.open_sealed(r.sealed_identity)))
            if r.sealed_identity
            else (number[r.clue_id], r.kind, r.wants_feedback, "")
            for r in Reporter.objects.all()
        ),
        "files": sorted(
            (number[a.clue_id], a.original_name, a.content_type, a.size, a.sha256, a.from_reporter)
            for a in Attachment.objects.all()
        ),
        "receipts": sorted((number[r.clue_id], r.code, r.reporter_key) for r in Receipt.objects.all()),
        "audit": [
            (
                e.action,
                e.actor_label,
                e.object_type,
                number.get(int(e.object_id or 0)),
                e.object_repr,
                e.after,
            )
            for e in AuditEntry.objects.filter(pk__gte=first_audit).order_by("pk")
        ],
        "documents": sorted(docs.values_list("title", "body", "title_tokens", "body_tokens", "sort_at")),
        "found": [
            (number[hit.object_id], hit.title_html)
            for group in query.search(leader, "保护费", models=["clues.clue"])
            for hit in group.hits
        ],
        "keys": sorted((number[k.clue_id], k.kind, k.key) for k in ClueKey.objects.all()),
        "mentions": sorted((number[m.clue_id], m.name, m.role, m.name_key) for m in Mention.objects.all()),
    }


def _run(django_capture_on_commit_callbacks: Any, apply: Any, leader: Any) -> dict[str, Any]:
    """Apply, let the after-commit work run, read the state, then roll everything back (the counter too)."""
    with transaction.atomic():
        first_audit = (AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        with django_capture_on_commit_callbacks(execute=True):
            apply()
        run_ready()  # the people resolution a bulk registration queues for the worker
        state = _state(first_audit, leader)
        assert audit.verify_chain()[1] is None
        transaction.set_rollback(True)
    return state


def test_bulk_import_equals_registering_one_by_one(
    sites, world, settings, django_capture_on_commit_callbacks
):
    settings.FERRY_CHANNEL = "portal"
    with time_machine.travel(MOMENT, tick=False):
        _submit(sites, _payloads(world))
        path = sites.export()
        leader = world.people["office_leader"]
        sites.as_ledger()
        bulk = _run(django_capture_on_commit_callbacks, lambda: ledger_side.apply(path), leader)
        single = _run(django_capture_on_commit_callbacks, lambda: _one_by_one(path), leader)
    # The bulk import also logs the package itself; the clues' own entries come first and are equal.
    assert bulk["audit"][-1][0] == "ferry.package_applied"
    bulk["audit"] = bulk["audit"][:-1]
    assert len(bulk["clues"]) == 5 and all(not row[0].startswith(PROVISIONAL) for row in bulk["clues"])
    assert [r for r in bulk["recusals"]] and any(s[-1] for s in bulk["subjects"])
    assert len(bulk["found"]) == 5 and bulk["keys"] and bulk["mentions"]
    for part in single:
        assert bulk[part] == single[part], part


@pytest.mark.django_db(transaction=True)
def test_an_import_does_not_hold_the_office_counter_until_it_ends(sites, world, monkeypatch):
    """While a package is being registered, a clue registered at the office's desk gets its number at once
    (the package's clues are numbered after it, in one block); on SQLite writers queue anyway, so PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: concurrent writers")
    _submit(sites, _payloads(world)[:3])
    path = sites.export()
    sites.as_ledger()
    office, staff = portal_actions.intake_office(), world.people["office_staff"]
    desk: dict[str, str] = {}
    real_write = ledger_side._write

    def register_at_the_desk() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")
            clue = do_register_clue(
                actor=staff,
                office=office,
                channel="visit",
                received_at=dt.datetime.now(dt.UTC),
                summary="来访举报",
                facts="当面反映",
                subjects=[SubjectData(name="周某")],
                reporter=ReporterData(),
            )
            desk["number"] = clue.number
        finally:
            connections.close_all()

    def write_then_wait(*args: Any) -> None:
        real_write(*args)
        if args[1]:
            # The package's clues are in, uncommitted: another registration in the office must not wait.
            other = threading.Thread(target=register_at_the_desk)
            other.start()
            other.join()

    monkeypatch.setattr(ledger_side, "_write", write_then_wait)
    ledger_side.apply(path)
    numbers = sorted(Clue.objects.exclude(channel="visit").values_list("number", flat=True))
    assert desk["number"] and desk["number"] < numbers[0]
    assert len(numbers) == 3 and len(set(numbers)) == 3

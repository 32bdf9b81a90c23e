"""The keyed chain and its checkpoint outside the database catch someone who can only write the database:
a row changed and every hash after it recomputed, the chain rewritten as old unkeyed rows, the newest rows
cut off with the head fixed up, the checkpoint file edited."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from taizhang.core import audit, audit_key
from taizhang.core.actors import SystemActor
from taizhang.core.models import AuditEntry, AuditHead
from tests.foundation.test_audit import _drop_guards


@pytest.fixture
def chain(world):
    return [
        audit.record("test.step", actor=world.people["office_staff"], obj=world.units["city"], after={"n": i})
        for i in range(6)
    ]


def _rehash(from_id: int, *, version: int, change: dict | None = None) -> None:
    """What a database-only attacker can do: rewrite rows from `from_id` on, recomputing every hash without
    the key (a v2 row is "hashed" with a key of their own, a v1 row with plain SHA-256), and the head."""
    _drop_guards()
    prev = AuditEntry.objects.filter(id__lt=from_id).order_by("-id").values_list("hash", flat=True).first()
    prev = prev or audit.GENESIS
    for entry in AuditEntry.objects.filter(id__gte=from_id).order_by("id"):
        if change and entry.pk == from_id:
            for name, value in change.items():
                setattr(entry, name, value)
        payload = json.dumps(audit._hashed_fields(entry), sort_keys=True, ensure_ascii=False, default=str)
        if version == 1:
            digest = hashlib.sha256((prev + "|" + payload).encode()).hexdigest()
        else:
            digest = hashlib.sha256(f"guessed-key|v2|{prev}|{payload}".encode()).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(
            prev_hash=prev,
            hash=digest,
            chain_version=version,
            **(change if entry.pk == from_id and change else {}),
        )
        prev = digest
    last = AuditEntry.objects.order_by("-id").first()
    AuditHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=last.hash)


def _verify() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    return str(excinfo.value)


def test_new_rows_are_keyed_and_verify(chain, capsys):
    assert {e.chain_version for e in AuditEntry.objects.all()} == {audit.KEYED}
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    point = audit_key.read_checkpoint()
    assert point is not None and point.last_id == chain[-1].pk and point.keyed_from == chain[0].pk


def test_a_changed_row_with_recomputed_hashes_is_caught(chain):
    _rehash(chain[2].pk, version=audit.KEYED, change={"object_repr": "篡改"})
    assert f"entry {chain[2].pk}" in _verify()


def test_a_chain_rewritten_as_unkeyed_rows_is_caught(chain):
    call_command("audit", "verify")  # the checkpoint outside the database knows the rows are keyed
    _rehash(AuditEntry.objects.order_by("id").first().pk, version=1, change={"object_repr": "篡改"})
    assert "rewritten" in _verify()


def test_unkeyed_rows_after_keyed_ones_are_caught_even_without_a_checkpoint(chain):
    _rehash(chain[3].pk, version=1, change={"object_repr": "篡改"})
    assert f"entry {chain[3].pk}" in _verify()


def test_a_cut_tail_with_the_head_fixed_up_is_caught(chain):
    call_command("audit", "verify")
    _drop_guards()
    AuditEntry.objects.filter(pk__in=[chain[-1].pk, chain[-2].pk]).delete()
    AuditHead.objects.filter(pk=1).update(last_id=chain[-3].pk, last_hash=chain[-3].hash)
    assert "cut off" in _verify()


def test_an_edited_checkpoint_is_caught(chain, settings):
    call_command("audit", "verify")
    path = audit_key.checkpoint_path()
    data = json.loads(path.read_text())
    data["last_id"] = chain[-3].pk
    path.write_text(json.dumps(data))
    assert "altered" in _verify()


def test_old_unkeyed_rows_still_verify_before_the_keyed_ones(world):
    """The migration path: rows written before the key existed keep their SHA-256 and are verified as such."""
    first = audit.record("test.old", actor=SystemActor("x"))
    _rehash(first.pk, version=1)
    audit.record("test.new", actor=SystemActor("x"))
    count, problem = audit.verify_chain(anchor=True)
    assert problem is None and count == 2
    assert (
        audit_key.read_checkpoint().keyed_from == first.pk + 1 or AuditEntry.objects.last().chain_version == 2
    )


def test_the_worker_moves_the_checkpoint(chain):
    assert audit.anchor_chain() == 1
    assert audit_key.read_checkpoint().last_id == chain[-1].pk
    newer = audit.record("test.step", actor=SystemActor("x"))
    assert audit.anchor_chain() == 1
    assert audit_key.read_checkpoint().last_id == newer.pk
    # A tail cut below the checkpoint stops it from moving on.
    _drop_guards()
    AuditEntry.objects.filter(pk=newer.pk).delete()
    AuditHead.objects.filter(pk=1).update(last_id=chain[-1].pk, last_hash=chain[-1].hash)
    assert audit.anchor_chain() == 0


def test_the_key_comes_from_a_private_file_or_the_environment(settings, tmp_path):
    import base64

    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = "", str(tmp_path / "audit.key")
    audit_key.reset_key_cache()
    try:
        generated = audit_key.key()
        assert len(generated) == 32 and (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
        settings.AUDIT_KEY = base64.b64encode(b"k" * 32).decode()
        assert audit_key.key() == b"k" * 32
    finally:
        audit_key.reset_key_cache()

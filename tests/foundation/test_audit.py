"""The audit log's hash chain detects an altered row, a removed row and a removed tail."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from taizhang.core import audit
from taizhang.core.models import AuditEntry


def _drop_guards():
    # Simulate an attacker with direct database access: remove the append-only triggers first.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")


@pytest.fixture
def chain(world):
    return [
        audit.record(
            "test.step",
            actor=world.people["office_staff"],
            obj=world.units["city"],
            before={"n": i},
            after={"n": i + 1},
        )
        for i in range(5)
    ]


def test_intact_chain_verifies(chain, capsys):
    call_command("audit", "verify")
    assert "5 entries" in capsys.readouterr().out or "entries" in capsys.readouterr().out


def test_rows_cannot_be_changed_through_the_orm(chain):
    with pytest.raises(PermissionError):
        chain[0].save()
    with pytest.raises(PermissionError):
        chain[0].delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_updates(world):
    entry = audit.record("test.step", actor=world.people["office_staff"])
    from django.db import DatabaseError

    with pytest.raises(DatabaseError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")


def test_altered_row_is_named(chain):
    _drop_guards()
    AuditEntry.objects.filter(pk=chain[2].pk).update(after={"n": 999})
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert f"entry {chain[2].pk}" in str(excinfo.value)
    assert excinfo.value.returncode == 1


def test_removed_row_is_found(chain):
    _drop_guards()
    AuditEntry.objects.filter(pk=chain[1].pk).delete()
    count, problem = audit.verify_chain()
    assert problem is not None and problem.entry_id == chain[2].pk


def test_removed_tail_is_found(chain):
    _drop_guards()
    AuditEntry.objects.filter(pk=chain[-1].pk).delete()
    _count, problem = audit.verify_chain()
    assert problem is not None and "newest" in problem.message


def test_entry_carries_request_id(world):
    client = world.client_for("office_staff")
    response = client.post("/accounts/logout/", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    assert AuditEntry.objects.filter(action="auth.logout", request_id="abcdef0123456789").exists()

"""Changes made at /admin/ are audited with what really changed, many-to-many links (roles) included."""

from __future__ import annotations

from taizhang.core.models import AuditEntry
from taizhang.org.models import Role
from tests.reporters.helpers import verified_client


def _user_form(user, roles):
    return {
        "username": user.username,
        "display_name": user.display_name,
        "unit": user.unit_id,
        "title": user.title or "",
        "phone": user.phone or "",
        "roles": [r.pk for r in roles],
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }


def test_a_role_grant_is_audited_with_the_real_before_and_after(world):
    admin_user = world.people["sysadmin"]
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client = verified_client(admin_user)
    target = world.people["office_staff"]
    before_roles = sorted(target.roles.values_list("pk", flat=True))
    leader = Role.objects.get(code="office_leader")
    response = client.post(
        f"/admin/org/user/{target.pk}/change/", _user_form(target, [*target.roles.all(), leader])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="admin.change", object_id=str(target.pk)).latest("id")
    assert sorted(entry.before["roles"]) == before_roles
    assert sorted(entry.after["roles"]) == sorted([*before_roles, leader.pk])
    assert entry.before["password"] == entry.after["password"] == "***"

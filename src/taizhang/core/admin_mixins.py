"""Admin screens write the audit log like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms.models import model_to_dict

from taizhang.core import audit

# Never copied into the audit log (a password hash is a secret, and the log is read by auditors).
_UNAUDITED_FIELDS = frozenset({"password"})


def admin_snapshot(obj: Any) -> Any:
    """The record's fields *and* its many-to-many links (roles, groups), as the audit log keeps them."""
    data = model_to_dict(obj)
    for name in _UNAUDITED_FIELDS & data.keys():
        data[name] = "***"
    return audit.jsonable(data)


class AuditedAdmin(admin.ModelAdmin):
    """ModelAdmin whose saves and deletes append before/after rows to the audit log.

    The entry is written after `save_related`: the admin saves many-to-many fields (a person's roles) only
    after the record itself, so a snapshot taken in `save_model` would show the roles as they were, and a
    grant of 办公室领导 would be audited with before = after."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        form._audit_before = admin_snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        audit.record(
            "admin.change" if change else "admin.add",
            actor=request.user,
            obj=obj,
            before=getattr(form, "_audit_before", None),
            after=admin_snapshot(type(obj).objects.get(pk=obj.pk)),
        )

    def delete_model(self, request: Any, obj: Any) -> None:
        audit.record("admin.delete", actor=request.user, obj=obj, before=admin_snapshot(obj))
        super().delete_model(request, obj)

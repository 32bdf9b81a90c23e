"""Admin screens write the audit log like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms.models import model_to_dict

from taizhang.core import audit


class AuditedAdmin(admin.ModelAdmin):
    """ModelAdmin whose saves and deletes append before/after rows to the audit log."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = audit.jsonable(model_to_dict(type(obj).objects.get(pk=obj.pk))) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            "admin.change" if change else "admin.add",
            actor=request.user,
            obj=obj,
            before=before,
            after=audit.jsonable(model_to_dict(obj)),
        )

    def delete_model(self, request: Any, obj: Any) -> None:
        audit.record("admin.delete", actor=request.user, obj=obj, before=audit.jsonable(model_to_dict(obj)))
        super().delete_model(request, obj)

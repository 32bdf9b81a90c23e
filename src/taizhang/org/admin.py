"""Configuration screens for units, people and roles (Django admin, for system administrators)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from taizhang.core.admin_mixins import AuditedAdmin
from taizhang.org.models import Role, Sector, Unit, User


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "short_name")
    ordering = ("path",)


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("name", "code", "requires_2fa")
    list_editable = ("requires_2fa",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "unit", "title", "is_active")
    list_filter = ("roles", "unit__kind", "is_active")
    search_fields = ("username", "display_name", "unit__name")
    filter_horizontal = ("roles", "groups", "user_permissions")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("台账"), {"fields": ("display_name", "unit", "title", "phone", "roles", "wants_daily_digest")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("台账"), {"fields": ("display_name", "unit", "roles")}),
    )


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ("name", "code", "lead_unit", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")

"""Configuration screens for units, people and roles (Django admin, for system administrators)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.actions import do_issue_enrolment_code
from taizhang.core.admin_mixins import AuditedAdmin
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
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
    actions = ("issue_enrolment_code",)

    @admin.action(description=_("签发双因素登记码"))
    def issue_enrolment_code(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """One-time codes shown once here, to hand over in person; the person enrols with it at next sign-in."""
        for user in queryset:
            try:
                code = do_issue_enrolment_code(user, actor=acting(request))
            except ActionError as exc:
                self.message_user(request, f"{user.username}：{exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(user)s 的登记码：%(code)s（仅显示这一次，%(hours)s小时内有效，请当面交付）")
                % {"user": user.username, "code": code, "hours": settings.ENROLMENT_CODE_HOURS},
                messages.WARNING,
            )


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ("name", "code", "lead_unit", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")

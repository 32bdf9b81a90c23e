"""The unit tree, roles and people."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import InstanceLink, RoleCode, UnitKind
from taizhang.org.visibility import Scope, VisibleQuerySet


class UnitQuerySet(VisibleQuerySet):
    """Units, with the subtree helpers the rest of the code uses."""

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        if scope.office_path:
            return Q(path__startswith=scope.office_path)
        return Q(pk=scope.unit_id)


class Unit(models.Model):
    """A node of the campaign's organisation tree: an office, a member unit, a judicial organ..."""

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    # Other names people write for the unit (one per line: 交通局, 市交通局...): a clue naming any of them
    # recuses the unit (org/matching.py).
    aliases = models.TextField(_("别名"), blank=True, help_text=_("每行一个，如“交通局”“市交通局”。"))
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.MEMBER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/7/23/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Another office that runs its own Taizhang (a lower or upper level): clues assigned to it leave as signed
    # packages (taizhang.exchange, docs/exchange.md) instead of reaching people here. Set with its key in the
    # exchange's key registry (`taizhang exchange partner add`), never by hand.
    instance_link = models.CharField(
        _("外部台账"), max_length=10, choices=InstanceLink.choices, default="", blank=True, editable=False
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)  # the path is built from the primary key
            args, kwargs = (), {}
        self.path, self.depth = self._compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved: each child recomputes its path, and so on down the subtree.
            for child in self.children.all():
                child.save(update_fields=["path", "depth"])

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def _compute_path(self) -> tuple[str, int]:
        if self.parent_id is None:
            return f"/{self.pk}/", 0
        parent = Unit.objects.only("path", "depth").get(pk=self.parent_id)
        if f"/{self.pk}/" in parent.path:
            raise ValueError("a unit cannot be placed under its own descendant")
        return f"{parent.path}{self.pk}/", parent.depth + 1

    def ancestors(self) -> list[Unit]:
        """From the root down to the parent."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def office(self) -> Unit | None:
        """The nearest office at or above this unit (the office it answers to)."""
        if self.kind == UnitKind.OFFICE:
            return self
        # Read with the unit (select_related), the parent answers without a query when it is the office.
        parent = self._state.fields_cache.get("parent") if self.parent_id else None
        if parent is not None and parent.kind == UnitKind.OFFICE:
            return parent
        for unit in reversed(self.ancestors()):
            if unit.kind == UnitKind.OFFICE:
                return unit
        return None

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class Role(models.Model):
    """A role a person can hold in their unit; an administrator decides whether it requires two-factor sign-in."""

    code = models.CharField(_("角色代码"), max_length=32, unique=True, choices=RoleCode.choices)
    name = models.CharField(_("角色名称"), max_length=50)
    requires_2fa = models.BooleanField(_("须双因素认证"), default=False)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: belongs to one unit and holds one or more roles there."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    wants_daily_digest = models.BooleanField(_("每日摘要邮件"), default=False)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.display_name or self.username

    def role_codes(self) -> frozenset[str]:
        """The codes of the roles held, cached on the instance for the request."""
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            held = _roles_of(self.pk) if self.pk else []
            cached = frozenset(code for code, _flag in held)
            self._role_codes = cached
            # The same rows say whether a second factor is required (accounts.twofactor reads this), which
            # spares every request a second query on the roles.
            self._requires_2fa = any(flag for _code, flag in held)
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes() & set(codes))

    def is_leader(self) -> bool:
        """An office or unit leader (core.replica lets leaders read the ledger lists from the replica)."""
        return self.has_role(RoleCode.OFFICE_LEADER, RoleCode.UNIT_LEADER)

    def role_labels(self) -> list[str]:
        return [str(RoleCode(code).label) for code in sorted(self.role_codes()) if code in RoleCode.values]


def _roles_of(user_id: int) -> list[tuple[str, bool]]:
    """(code, requires_2fa) of each role the person holds. Every request asks (the visibility scope and the
    second-factor check), so this is one plain statement rather than a many-to-many manager's query, whose
    construction costs several times what PostgreSQL spends answering it."""
    through = User.roles.through._meta.db_table
    sql = (
        f"SELECT r.code, r.requires_2fa FROM {Role._meta.db_table} r "  # noqa: S608 - table names from the models
        f"JOIN {through} h ON h.role_id = r.id WHERE h.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return [(code, bool(flag)) for code, flag in cursor.fetchall()]


class Sector(models.Model):
    """A sector (行业领域) clues and rectification are filed under; some have a lead unit (行业牵头单位)."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_sectors",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

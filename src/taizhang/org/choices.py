"""Kinds of unit and the roles a person can hold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    OFFICE = "office", _("扫黑办")
    MEMBER = "member", _("成员单位")
    SECTOR_LEAD = "sector_lead", _("行业牵头单位")
    POLICE = "police", _("公安机关")
    PROCURATORATE = "procuratorate", _("检察院")
    COURT = "court", _("法院")
    DISCIPLINE = "discipline", _("纪委监委")
    OTHER = "other", _("其他")


class InstanceLink(models.TextChoices):
    """A unit that stands for another office's own Taizhang instance (taizhang.exchange, docs/exchange.md)."""

    NONE = "", _("本系统单位")
    PARENT = "parent", _("上级台账")
    CHILD = "child", _("下级台账")


class RoleCode(models.TextChoices):
    OFFICE_STAFF = "office_staff", _("办公室工作人员")
    OFFICE_LEADER = "office_leader", _("办公室领导")
    GROUP_MEMBER = "group_member", _("领导小组成员")
    LIAISON = "liaison", _("联络员")
    HANDLER = "handler", _("承办人")
    UNIT_LEADER = "unit_leader", _("单位负责人")
    DISCIPLINE_HANDLER = "discipline_handler", _("纪委监委承办人")
    IDENTITY_CUSTODIAN = "identity_custodian", _("身份信息保管人")
    SYSADMIN = "sysadmin", _("系统管理员")


# Roles that, held in an office unit, give sight of the office's level and everything below it.
OFFICE_ROLES = frozenset({RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER, RoleCode.GROUP_MEMBER})
# Roles that only read (leadership views); they never change workflow records.
READ_ONLY_ROLES = frozenset({RoleCode.GROUP_MEMBER})

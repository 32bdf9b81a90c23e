"""Seed the roles every installation has; an administrator may then require two-factor per role."""

from django.db import migrations

ROLES = [
    ("office_staff", "办公室工作人员", False, "登记、分流、交办、审核线索，组织督办与报送"),
    ("office_leader", "办公室领导", False, "审批挂牌督办、查看保护伞线索、审定通报"),
    ("group_member", "领导小组成员", False, "只读查看驾驶舱、通报与重点事项"),
    ("liaison", "联络员", False, "本单位线索回告、信息报送的联络人"),
    ("handler", "承办人", False, "具体核查本单位承办的线索"),
    ("unit_leader", "单位负责人", False, "对核查结论签字背书、提交报送"),
    ("discipline_handler", "纪委监委承办人", False, "办理涉保护伞线索"),
    ("identity_custodian", "身份信息保管人", True, "经说明事由后可查看举报人身份"),
    ("sysadmin", "系统管理员", True, "维护单位、人员与角色配置"),
]


def seed(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code, name, requires_2fa, description in ROLES:
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "requires_2fa": requires_2fa, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

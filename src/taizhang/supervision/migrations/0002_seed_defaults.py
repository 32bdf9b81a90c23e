"""Seed the system-wide default deadline rules and supervision policy, so administrators edit rather than create."""

from django.db import migrations

DEFAULTS = [
    ("triage", 1, "workdays", "受理后1个工作日内分流"),
    ("assign", 1, "workdays", "分流后1个工作日内交办"),
    ("first_report", 3, "workdays", "交办后3个工作日内首次回告"),
    ("verification", 30, "days", "核查办结时限30日"),
    ("signoff", 3, "workdays", "单位负责人3个工作日内签字背书"),
    ("review", 3, "workdays", "扫黑办3个工作日内审核"),
    ("redo", 2, "workdays", "退查后2个工作日内重新办理"),
    ("transfer", 3, "workdays", "审核通过后3个工作日内移交移送"),
    ("register_transfer", 1, "workdays", "接收单位1个工作日内登记"),
    ("conclude", 3, "workdays", "具备条件后3个工作日内办结"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("supervision", "DeadlineRule")
    SupervisionPolicy = apps.get_model("supervision", "SupervisionPolicy")
    for step, amount, unit, note in DEFAULTS:
        DeadlineRule.objects.get_or_create(office=None, step=step, defaults={"amount": amount, "unit": unit, "note": note})
    SupervisionPolicy.objects.get_or_create(office=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

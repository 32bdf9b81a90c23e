"""Seed the indicator catalogue from taizhang.pure.catalogue and the standard report types (administrators
extend both afterwards in the admin)."""

from django.db import migrations

# Codes the ledger computes (an app's indicators.py); the rest are entered by units until an app computes them.
COMPUTED_PREFIXES = ("clues.", "orgs.", "police.", "procuratorate.", "court.", "discipline.", "assets.", "supervision.")
EXTRA = [("clues.overdue", "超期未办结线索", "", "条")]
MONTHLY_EXTRA_ENTERED = [("work.publicity_events", "开展宣传活动", "", "场"), ("work.meetings", "召开专题会议", "", "次")]


def seed(apps, schema_editor):
    from taizhang.pure.catalogue import CATALOGUE

    Indicator = apps.get_model("reports", "Indicator")
    ReportType = apps.get_model("reports", "ReportType")
    order = 0
    rows = []
    for item in CATALOGUE:
        order += 10
        rows.append((item.code, item.name, "、".join(item.variants), item.units[0], "人" in item.units[1:], order))
    for code, name, variants, unit in EXTRA + MONTHLY_EXTRA_ENTERED:
        order += 10
        rows.append((code, name, variants, unit, False, order))
    for code, name, variants, unit, persons, sort in rows:
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "variants": variants[:200],
                "unit_label": unit,
                "counts_persons": persons,
                "kind": "computed" if code.startswith(COMPUTED_PREFIXES) else "entered",
                "sort_order": sort,
            },
        )
    types = [
        ("monthly", "信息月报", "month", 25, 0),
        ("quarterly", "季度工作报告", "quarter", 10, 1),
        ("half_year", "半年研判报告", "half", 15, 1),
        ("annual", "年度工作总结", "year", 15, 1),
        ("major_event", "重大信息报告", "immediate", 1, 0),
    ]
    every = list(Indicator.objects.all())
    for code, name, kind, day, offset in types:
        report_type, _created = ReportType.objects.get_or_create(
            code=code, defaults={"name": name, "period_kind": kind, "due_day": day, "due_month_offset": offset}
        )
        if _created and kind != "immediate":
            report_type.indicators.set(every)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

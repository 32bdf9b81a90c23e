"""The drive and call-back indicators in the reports catalogue (computed by drives/ and reviews/indicators.py)."""

from django.db import migrations

ROWS = [
    ("drives.run", "开展排查", "集中排查、滚动排查", "次"),
    ("drives.units_covered", "参加排查单位", "排查覆盖单位", "个"),
    ("drives.clues_found", "排查发现线索", "摸排线索", "条"),
    ("callbacks.satisfaction_rate", "回访满意率", "群众满意率", "%"),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    last = Indicator.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    for offset, (code, name, variants, unit) in enumerate(ROWS, start=1):
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "variants": variants,
                "unit_label": unit,
                "kind": "computed",
                "sort_order": last + offset * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("drives", "0001_screening_drives"), ("reports", "0002_seed_catalogue")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

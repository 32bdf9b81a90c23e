"""群众安全感满意度 in the reports catalogue (computed by publicity/indicators.py from the survey answers)."""

from django.db import migrations


def seed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    last = Indicator.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    Indicator.objects.get_or_create(
        code="publicity.security_rate",
        defaults={
            "name": "群众安全感满意度",
            "variants": "安全感满意度、群众满意度",
            "unit_label": "%",
            "kind": "computed",
            "sort_order": last + 10,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("reports", "Indicator").objects.filter(code="publicity.security_rate").delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_publicity_events_computed"), ("reports", "0002_seed_catalogue")]
    operations = [migrations.RunPython(seed, unseed)]

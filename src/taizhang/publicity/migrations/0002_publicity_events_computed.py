"""开展宣传活动 is now counted from the activities units record, no longer typed into the monthly report."""

from django.db import migrations


def computed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    Indicator.objects.filter(code="work.publicity_events").update(kind="computed")


def entered(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    Indicator.objects.filter(code="work.publicity_events").update(kind="entered")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial"), ("reports", "0002_seed_catalogue")]
    operations = [migrations.RunPython(computed, entered)]

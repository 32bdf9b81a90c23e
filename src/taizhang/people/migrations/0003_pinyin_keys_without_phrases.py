"""Recompute the stored pinyin keys: pypinyin now runs without its phrase dictionary (taizhang/__init__.py),
so a name whose characters read differently inside a known phrase (重庆, 银行) gets its single-character key."""

from django.db import migrations

BATCH = 5000


def recompute(apps, schema_editor):
    from taizhang.pure.names import pinyin_key

    for model_name in ("Entity", "Mention"):
        model = apps.get_model("people", model_name)
        last = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last).order_by("pk").only("pk", "name", "pinyin_key")[:BATCH]
            )
            if not rows:
                break
            last = rows[-1].pk
            changed = []
            for row in rows:
                key = pinyin_key(row.name)
                if key != row.pinyin_key:
                    row.pinyin_key = key
                    changed.append(row)
            model.objects.bulk_update(changed, ["pinyin_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_mention_suspect")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]

from django.db import migrations

# The four 三书一函 and 风险提示函 as a configurable extra; administrators can add more in the admin.
TYPES = [
    ("judicial", "司法建议书", "court", False, 1),
    ("procuratorial", "检察建议书", "procuratorate", False, 2),
    ("supervisory", "监察建议书", "discipline", False, 3),
    ("police_notice", "公安提示函", "police", False, 4),
    ("risk_notice", "风险提示函", "", True, 5),
]


def seed(apps, schema_editor):
    LetterType = apps.get_model("rectification", "LetterType")
    for code, name, kind, extra, order in TYPES:
        LetterType.objects.update_or_create(
            code=code, defaults={"name": name, "issuer_kind": kind, "is_extra": extra, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

import django.db.models.deletion
from django.db import migrations, models

SECTORS = [
    ("transport", "交通运输", 1),
    ("natural_resources", "自然资源", 2),
    ("construction", "工程建设", 3),
    ("information_network", "信息网络", 4),
    ("city_appearance", "市容管理", 5),
    ("muck_transport", "渣土运输", 6),
    ("illegal_building", "违法建设", 7),
    ("outdoor_ads", "户外广告", 8),
    ("finance", "金融放贷", 9),
    ("market", "市场流通", 10),
    ("other", "其他", 99),
]


def seed(apps, schema_editor):
    Sector = apps.get_model("org", "Sector")
    for code, name, order in SECTORS:
        Sector.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("org", "0002_seed_roles")]

    operations = [
        migrations.CreateModel(
            name="Sector",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=32, unique=True, verbose_name="代码")),
                ("name", models.CharField(max_length=40, verbose_name="名称")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                (
                    "lead_unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="led_sectors",
                        to="org.unit",
                        verbose_name="牵头单位",
                    ),
                ),
            ],
            options={"verbose_name": "行业领域", "verbose_name_plural": "行业领域", "ordering": ["sort_order", "id"]},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]

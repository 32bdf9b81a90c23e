from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "taizhang.core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from taizhang.core import labels
        from taizhang.core.seeding import reseed

        labels.install()  # choice labels by one lookup (core/labels.py)
        post_migrate.connect(reseed, dispatch_uid="taizhang.core.reseed")

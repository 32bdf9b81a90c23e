from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """`taizhang migrate` also makes the shared cache's table (the database cache is the default)."""
    from django.conf import settings
    from django.core.management import call_command

    if using != "default":
        return
    if any(str(c["BACKEND"]).endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class JobsConfig(AppConfig):
    name = "taizhang.jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="taizhang.jobs.cachetable")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "taizhang.supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from taizhang.supervision import deadline_rules

        deadline_rules.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CluesConfig(AppConfig):
    name = "taizhang.clues"
    verbose_name = _("线索台账")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GateConfig(AppConfig):
    name = "taizhang.gate"
    verbose_name = _("举报平台（互联网侧）")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FerryConfig(AppConfig):
    name = "taizhang.ferry"
    verbose_name = _("数据摆渡")

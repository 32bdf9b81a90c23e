from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "taizhang.exchange"
    verbose_name = _("上下级联动")

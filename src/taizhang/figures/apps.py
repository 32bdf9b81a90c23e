from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "taizhang.figures"
    verbose_name = _("从文本提取数据")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportersConfig(AppConfig):
    name = "taizhang.reporters"
    verbose_name = _("举报人")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "taizhang.reports"
    verbose_name = _("报送统计")

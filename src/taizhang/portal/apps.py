from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "taizhang.portal"
    verbose_name = _("举报平台")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "taizhang.reviews"
    verbose_name = _("评查与回访")

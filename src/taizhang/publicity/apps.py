from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "taizhang.publicity"
    verbose_name = "典型案例、宣传与群众安全感"
    default_auto_field = "django.db.models.BigAutoField"

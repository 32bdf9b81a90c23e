from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportersConfig(AppConfig):
    name = "taizhang.reporters"
    verbose_name = _("举报人")

    def ready(self) -> None:
        from taizhang.core.signals import workflow_event
        from taizhang.reporters.signals import on_workflow_event

        workflow_event.connect(on_workflow_event, dispatch_uid="reporters.feedback_due")

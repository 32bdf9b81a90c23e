from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "taizhang.supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from taizhang.core.signals import workflow_event
        from taizhang.supervision import deadline_rules, events

        deadline_rules.connect()
        workflow_event.connect(events.on_workflow_event, dispatch_uid="supervision-workflow-notify")

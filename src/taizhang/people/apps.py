from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "taizhang.people"
    verbose_name = _("人员与关系")

    def ready(self) -> None:
        from taizhang.core.signals import workflow_batch, workflow_event
        from taizhang.people.receivers import connect_accountability, on_workflow_batch, on_workflow_event

        workflow_event.connect(on_workflow_event, dispatch_uid="taizhang.people.resolve")
        workflow_batch.connect(on_workflow_batch, dispatch_uid="taizhang.people.resolve_batch")
        connect_accountability()

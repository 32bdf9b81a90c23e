from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "taizhang.search"
    verbose_name = _("检索")

    def ready(self) -> None:
        from taizhang.core.signals import workflow_batch, workflow_event
        from taizhang.search.receivers import connect_save_signals, on_workflow_batch, on_workflow_event

        workflow_event.connect(on_workflow_event, dispatch_uid="taizhang.search.index")
        workflow_batch.connect(on_workflow_batch, dispatch_uid="taizhang.search.index_batch")
        connect_save_signals()

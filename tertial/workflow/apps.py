from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "tertial.workflow"
    verbose_name = _("Arbetsflöde")

    def ready(self):
        from tertial.platform import cache
        from tertial.workflow.models import ReportApproval, UnitSubmission

        cache.watch(UnitSubmission, ReportApproval)

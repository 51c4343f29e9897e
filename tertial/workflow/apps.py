from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "tertial.workflow"
    verbose_name = _("Arbetsflöde")

    def ready(self):
        from tertial.organisation.signals import unit_figures_changed
        from tertial.platform import cache
        from tertial.workflow.models import ReportApproval, UnitSubmission
        from tertial.workflow.services import on_unit_figures_changed

        cache.watch(UnitSubmission, ReportApproval)
        unit_figures_changed.connect(on_unit_figures_changed, dispatch_uid="workflow.changed")

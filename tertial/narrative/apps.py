from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NarrativeConfig(AppConfig):
    name = "tertial.narrative"
    verbose_name = _("Texter, beslut och händelser")

    def ready(self):
        from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp
        from tertial.platform import cache

        cache.watch(NarrativeSection, DecisionEvent, PlanFollowUp)

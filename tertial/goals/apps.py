from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "tertial.goals"
    verbose_name = _("Mål och indikatorer")

    def ready(self):
        from tertial.goals import models
        from tertial.platform import cache

        cache.watch(
            models.Perspective,
            models.CouncilGoal,
            models.BoardGoal,
            models.Assessment,
            models.AssessmentItem,
            models.Indicator,
            models.IndicatorTarget,
            models.IndicatorValue,
        )
        # Kolada's values of every municipality, shown beside any organisation's indicators.
        cache.watch(models.KoladaKpi, models.KoladaValue, shared=True)

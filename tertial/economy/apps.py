from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "tertial.economy"
    verbose_name = _("Ekonomi")

    def ready(self):
        from tertial.economy import models
        from tertial.platform import cache

        cache.watch(
            models.AccountClass,
            models.AccountRange,
            models.Account,
            models.ImportBatch,
            models.UnitCodeAlias,
            models.Forecast,
            models.ForecastLine,
            models.InvestmentProject,
            models.InvestmentFrame,
            models.InvestmentOutcome,
        )
        # Written in bulk by the ledger import, which records (and so bumps) once.
        cache.watch(models.LedgerBalance, models.BudgetEntry, deletes=False)
        # ImportJob is not watched: an import's progress, which no cached page part shows.

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "tertial.organisation"
    verbose_name = _("Organisation och perioder")

    def ready(self):
        from tertial.organisation.models import FiscalYear, Organisation, Period, Unit
        from tertial.platform import cache

        cache.watch(Organisation, Unit, FiscalYear, Period)

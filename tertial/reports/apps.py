from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tertial.reports"
    verbose_name = _("Rapporter")

    def ready(self):
        from tertial.platform import cache
        from tertial.reports.models import Edition

        # Not EditionFile: a frozen edition rendered to a file once, by the GET that asks for it.
        cache.watch(Edition)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "tertial.records"
    verbose_name = _("Poster")

    def ready(self):
        from tertial.platform import cache
        from tertial.records.models import ComputedValue, RecordBatch, RecordIndicator

        cache.watch(RecordBatch, RecordIndicator, ComputedValue)

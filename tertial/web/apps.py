from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_data_version_triggers(sender, using, **kwargs):
    from django.db import connections

    from tertial.web.dataversion import install_triggers

    install_triggers(connections[using])


class WebConfig(AppConfig):
    name = "tertial.web"
    verbose_name = _("Webbgränssnitt")

    def ready(self):
        # After every migrate (also of the test database), when all tables exist.
        post_migrate.connect(_install_data_version_triggers, sender=self)

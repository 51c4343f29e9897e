from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "tertial.web"
    verbose_name = _("Webbgränssnitt")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin (settings.INSTALLED_APPS) on the site that refuses malformed input."""

    default = False
    default_site = "tertial.web.admin_site.AdminSite"

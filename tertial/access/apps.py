from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _user_saved(sender, instance, update_fields=None, **kwargs):
    # A log-in saves last_login alone: it must not empty every organisation's cached pages.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _user_changed(sender, instance)


def _user_changed(sender, instance, **kwargs):
    from tertial.platform import cache

    # Users' names show on every organisation's pages (who wrote, who approved).
    cache.bump_shared()


class AccessConfig(AppConfig):
    name = "tertial.access"
    verbose_name = _("Behörigheter")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from tertial.access.models import Membership
        from tertial.platform import cache

        cache.watch(Membership)
        # A wrong roles file stops tertial at start, naming the file and the entry.
        from tertial.access.signin import role_rules

        role_rules()
        user = get_user_model()
        post_save.connect(_user_saved, sender=user)
        post_delete.connect(_user_changed, sender=user)

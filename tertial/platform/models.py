"""The cache's versions: one row per organisation, and one for what belongs to none."""

from django.db import models


class CacheVersion(models.Model):
    """The version of one scope's data: an organisation's id, or 0 for the shared scope (user
    names, Kolada's national values). A plain integer, not a foreign key: the platform knows
    no app. Raised by ``tertial.platform.cache.bump`` in the writing transaction."""

    scope = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.value}"

"""The data version: a counter that database triggers raise on every write to tertial's data."""

from django.db import models


class DataVersion(models.Model):
    """One row (id 1). Triggers installed by tertial.web.dataversion raise ``value`` on every
    insert, update or delete in the tables the pages show, whoever writes (web, loader,
    importers, raw SQL or COPY), so that a page part cached under a version is never stale."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)

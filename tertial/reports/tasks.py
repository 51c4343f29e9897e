"""The published edition's files, rendered by the task worker when a report is published.

The public page offers them for download only once they are stored, so that an anonymous
reader never makes the server render (or store) anything."""

from __future__ import annotations

from django_tasks import task

from tertial.reports.models import Edition
from tertial.reports.services import store_public_files


@task()
def store_edition_files(edition_id: int) -> str:
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return "gone"
    return ",".join(store_public_files(edition))

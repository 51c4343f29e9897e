"""The import jobs a web page polls: created, started, moved on, finished or failed.

Each write is one UPDATE in autocommit, outside any import's transaction, so another
connection (the page's) sees it at once. They are not audited: a job only reports on an
import, and the import itself is (``economy.ledger.imported``); for the same reason they go
round model signals, and leave every cached page as it is.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from tertial.economy.models import ImportBatch, ImportJob


def create_import_job(
    organisation,
    file_path: str | Path,
    *,
    kind: str,
    mapping: str,
    source_name: str = "",
    replace: bool = True,
    user=None,
) -> ImportJob:
    return ImportJob.objects.create(
        organisation=organisation,
        kind=kind,
        file_path=str(file_path),
        source_name=source_name or Path(file_path).name,
        mapping=str(mapping),
        replace=replace,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def import_job(pk: int) -> ImportJob:
    return ImportJob.objects.select_related("organisation", "created_by").get(pk=pk)


def _update(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def start_import_job(job: ImportJob) -> None:
    _update(job, status=ImportJob.Status.RUNNING, started_at=timezone.now())


def report_import_progress(job: ImportJob, percent: int, message: str) -> None:
    _update(job, progress=percent, message=message[:500])


def finish_import_job(job: ImportJob, batch: ImportBatch) -> None:
    _update(
        job,
        status=ImportJob.Status.DONE,
        batch=batch,
        progress=100,
        message=f"{batch.row_count} rader importerade för {', '.join(batch.months)}"[:500],
        finished_at=timezone.now(),
    )


def fail_import_job(job: ImportJob, message: str, errors: list[dict] | None = None) -> None:
    """``errors``: each input error as {file, line, field, message}."""
    _update(
        job,
        status=ImportJob.Status.FAILED,
        message=message[:500],
        errors=errors or [],
        finished_at=timezone.now(),
    )

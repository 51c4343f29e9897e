"""Imports as background tasks: the web UI creates an ImportJob, enqueues it, polls it."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from tertial.core.errors import InputErrors
from tertial.economy.models import ImportBatch, ImportJob
from tertial.ingest.ledger.mapping import MappingError


def create_job(
    organisation, path, *, kind, mapping, source_name="", user=None, replace=True
) -> ImportJob:
    """Record an import to run and enqueue it; returns the job the page polls."""
    job = ImportJob.objects.create(
        organisation=organisation,
        kind=kind,
        file_path=str(path),
        source_name=source_name or Path(path).name,
        mapping=str(mapping),
        replace=replace,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    run_import_job.enqueue(job.pk)
    return job


def execute_job(job: ImportJob, progress=None) -> ImportJob:
    """Run ``job`` in this process, keeping its status, progress and errors up to date."""
    from tertial.ingest.ledger.importer import import_budget, import_ledger

    def report(percent: int, message: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, message=message[:500])
        if progress is not None:
            progress(percent, message)

    job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    run = import_ledger if job.kind == ImportBatch.Kind.LEDGER else import_budget
    actor = get_user_model().objects.filter(pk=job.created_by_id).first()
    try:
        batch = run(
            job.organisation,
            job.file_path,
            mapping=job.mapping,
            actor=actor,
            progress=report,
            source_name=job.source_name or None,
            replace=job.replace,
        )
    except InputErrors as exc:
        job.status, job.errors = (
            ImportJob.Status.FAILED,
            [
                {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                for e in exc.errors
            ],
        )
        job.message = f"{len(exc.errors)} fel; inget har sparats"
    except MappingError as exc:
        job.status, job.message = ImportJob.Status.FAILED, str(exc)[:500]
    except Exception as exc:
        job.status, job.message = ImportJob.Status.FAILED, f"oväntat fel: {exc}"[:500]
        job.finished_at = timezone.now()
        job.save()
        raise
    else:
        job.status, job.batch, job.progress = ImportJob.Status.DONE, batch, 100
        job.message = f"{batch.row_count} rader importerade för {', '.join(batch.months)}"[:500]
    job.finished_at = timezone.now()
    job.save()
    return job


@task()
def run_import_job(job_id: int) -> str:
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
    return execute_job(job).status

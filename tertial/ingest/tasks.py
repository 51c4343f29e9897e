"""Imports as background tasks: the web UI creates an ImportJob, enqueues it, polls it.

The job's progress is written only between the import's steps outside its transaction
(reading and checking the file, which take most of the time), each step committed at once,
so the page polling it from another connection sees it move; the steps of storing, inside
the transaction, reach only a progress bar on the screen (``Progress.in_transaction``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from tertial.core.errors import InputErrors
from tertial.economy.services import jobs
from tertial.economy.services.imports import LEDGER, import_batch
from tertial.ingest.ledger import tracing
from tertial.ingest.ledger.importer import Progress, import_budget, import_ledger
from tertial.ingest.ledger.mapping import MappingError


def create_job(organisation, path, *, kind, mapping, source_name="", user=None, replace=True):
    """Record an import to run and enqueue it; returns the job the page polls.

    The job runs in the language active now (the person's), so that its progress, its
    errors and its outcome read in the language of the page that polls it.
    """
    job = jobs.create_import_job(
        organisation,
        path,
        kind=kind,
        mapping=mapping,
        source_name=source_name,
        replace=replace,
        user=user,
    )
    run_import_job.enqueue(job.pk, translation.get_language())
    return job


def execute_job(job, progress=None):
    """Run ``job`` in this process, keeping its status, progress and errors up to date.

    ``progress(percent, message)`` hears of every step, those inside the import's
    transaction too (a progress bar).
    """
    jobs.start_import_job(job)
    steps = Progress(
        saved=lambda percent, message: jobs.report_import_progress(job, percent, message),
        shown=progress,
    )
    run = import_ledger if job.kind == LEDGER else import_budget
    try:
        batch = run(
            job.organisation,
            job.file_path,
            mapping=job.mapping,
            actor=job.created_by,
            progress=steps,
            source_name=job.source_name or None,
            replace=job.replace,
        )
    except InputErrors as exc:
        jobs.fail_import_job(
            job,
            _("%(count)s fel; inget har sparats") % {"count": len(exc.errors)},
            [
                {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                for e in exc.errors
            ],
        )
    except MappingError as exc:
        jobs.fail_import_job(job, str(exc))
    except Exception as exc:
        jobs.fail_import_job(job, _("oväntat fel: %(exc)s") % {"exc": exc})
        raise
    else:
        jobs.finish_import_job(job, batch)
        if job.kind == LEDGER:
            # Apart from the import, so that its time does not grow; a trace before the
            # worker gets to it prepares the rows itself.
            transaction.on_commit(lambda: prepare_for_tracing.enqueue(batch.pk))
    finally:
        # What the file held is stored (and its rows kept for tracing) or refused.
        jobs.remove_upload(job)
    return job


@task()
def run_import_job(job_id: int, language: str | None = None) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return execute_job(jobs.import_job(job_id)).status


@task()
def prepare_for_tracing(batch_id: int) -> bool:
    """Keep an imported ledger's rows sorted for tracing; False when they are gone."""
    batch = import_batch(batch_id)
    return batch is not None and tracing.prepare(batch) is not None


def prepare_later(batches) -> None:
    """Have the worker prepare ``batches`` for tracing (again: a prepared one is left as is),
    for imports whose task was never enqueued, such as an organisation folder's."""
    for batch in batches:
        prepare_for_tracing.enqueue(batch.pk)

"""Record imports as background tasks: the web page creates a job, enqueues it, polls it.
The import is followed by computing the indicators defined over records."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from tertial.core.errors import InputErrors
from tertial.ingest.ledger.importer import Progress
from tertial.ingest.ledger.mapping import MappingError
from tertial.ingest.records.importer import import_records
from tertial.records import jobs
from tertial.records.services import compute_values


def create_job(organisation, path, *, mapping, source_name="", user=None):
    """Record an import to run and enqueue it; returns the job the page polls."""
    job = jobs.create_job(organisation, path, mapping=mapping, source_name=source_name, user=user)
    run_record_import_job.enqueue(job.pk)
    return job


def execute_job(job, progress=None):
    """Run ``job`` in this process, keeping its status, progress and errors up to date."""
    jobs.start(job)
    steps = Progress(
        saved=lambda percent, message: jobs.report_progress(job, percent, message),
        shown=progress,
    )
    try:
        batch = import_records(
            job.organisation,
            job.file_path,
            mapping=job.mapping,
            actor=job.created_by,
            progress=steps,
            source_name=job.source_name or None,
        )
        steps(90, _("Beräknar indikatorerna"))
        computed = compute_values(job.organisation, actor=job.created_by)
    except InputErrors as exc:
        jobs.fail(
            job,
            _("%(count)s fel; inget har sparats") % {"count": len(exc.errors)},
            [
                {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                for e in exc.errors
            ],
        )
    except MappingError as exc:
        jobs.fail(job, str(exc))
    except Exception as exc:
        jobs.fail(job, _("oväntat fel: %(error)s") % {"error": exc})
        raise
    else:
        jobs.finish(job, batch, computed)
    finally:
        # An uploaded export holds every column of the source system, personal ones too:
        # only the mapped columns are kept, so the upload goes once it is read.
        path = Path(job.file_path)
        if path.parent == Path(settings.DATA_DIR) / "uploads":
            path.unlink(missing_ok=True)
    return job


@task()
def run_record_import_job(job_id: int) -> str:
    return execute_job(jobs.job(job_id)).status

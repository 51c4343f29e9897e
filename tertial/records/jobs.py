"""Record import jobs a web page polls. As economy's import jobs: each write one UPDATE in
autocommit outside the import's transaction, not audited (the import itself is)."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from tertial.records.models import RecordBatch, RecordImportJob


def create_job(organisation, file_path, *, mapping: str, source_name: str = "", user=None):
    return RecordImportJob.objects.create(
        organisation=organisation,
        file_path=str(file_path),
        source_name=(source_name or Path(file_path).name)[:500],
        mapping=str(mapping)[:500],
        created_by=user if user is not None and user.is_authenticated else None,
    )


def job(pk: int, organisation=None) -> RecordImportJob | None:
    jobs = RecordImportJob.objects.select_related("organisation", "created_by", "batch")
    if organisation is not None:
        jobs = jobs.filter(organisation=organisation)
    return jobs.filter(pk=pk).first()


def recent(organisation, count: int = 10) -> list[RecordImportJob]:
    return list(RecordImportJob.objects.filter(organisation=organisation)[:count])


def _update(job: RecordImportJob, **fields) -> None:
    RecordImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def start(job: RecordImportJob) -> None:
    _update(job, status=RecordImportJob.Status.RUNNING)


def report_progress(job: RecordImportJob, percent: int, message: str) -> None:
    _update(job, progress=percent, message=message[:500])


def finish(job: RecordImportJob, batch: RecordBatch, computed: int) -> None:
    _update(
        job,
        status=RecordImportJob.Status.DONE,
        batch=batch,
        progress=100,
        message=(
            _("%(rows)s poster importerade för %(months)s; %(computed)s värden beräknade")
            % {"rows": batch.row_count, "months": ", ".join(batch.months), "computed": computed}
        )[:500],
        finished_at=timezone.now(),
    )


def fail(job: RecordImportJob, message: str, errors: list[dict] | None = None) -> None:
    _update(
        job,
        status=RecordImportJob.Status.FAILED,
        message=message[:500],
        errors=errors or [],
        finished_at=timezone.now(),
    )

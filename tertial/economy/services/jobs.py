"""The import jobs a web page polls: created, started, moved on, finished or failed.

Each write is one UPDATE in autocommit, outside any import's transaction, so another
connection (the page's) sees it at once. They are not audited: a job only reports on an
import, and the import itself is (``economy.ledger.imported``); for the same reason they go
round model signals, and leave every cached page as it is.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import socket
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tertial.economy.models import ImportBatch, ImportJob

INTERRUPTED = gettext_noop(
    "avbruten: processen som körde importen avslutades (servern startades om eller processen "
    "stoppades); inget har sparats"
)
# A kept row file without its import, or an upload without its job, is removed only when
# older than this: a running import writes the one before its transaction commits the
# import, the web page the other before it creates the job.
ORPHAN_AGE = datetime.timedelta(hours=1)


def this_process() -> str:
    """This process as "host:pid", what a job and an import's temporary folders record."""
    return f"{socket.gethostname()}:{os.getpid()}"


def temporary_prefix(kind: str) -> str:
    """The name an import's temporary folder starts with: what made it, by whom."""
    host, pid = this_process().rsplit(":", 1)
    return f"{kind}-{re.sub(r'[^A-Za-z0-9.]', '_', host)}-{pid}-"


def _gone(host: str, pid: str) -> bool:
    """Whether the process ``pid`` of this host has ended; a process of another host is
    never taken for gone (its own start cleans up after it)."""
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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
    _update(job, status=ImportJob.Status.RUNNING, started_at=timezone.now(), runner=this_process())


def report_import_progress(job: ImportJob, percent: int, message: str) -> None:
    _update(job, progress=percent, message=message[:500])


def finish_import_job(job: ImportJob, batch: ImportBatch) -> None:
    _update(
        job,
        status=ImportJob.Status.DONE,
        batch=batch,
        progress=100,
        message=(
            _("%(count)s rader importerade för %(months)s")
            % {"count": batch.row_count, "months": ", ".join(batch.months)}
        )[:500],
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


def remove_upload(job: ImportJob) -> bool:
    """Remove the job's file, once the job has ended, when it is one the web page uploaded
    (a file named on the command line is the person's own); whether one was removed."""
    path = Path(job.file_path)
    if path.parent != uploads_dir() or not path.is_file():
        return False
    path.unlink(missing_ok=True)
    return True


def uploads_dir() -> Path:
    """Where the web page streams an upload until its import job has read it."""
    return Path(settings.DATA_DIR) / "uploads"


def clean_up_interrupted_imports() -> dict[str, int]:
    """Mark failed the jobs of this host whose process has ended (killed, or the server
    restarted), and remove what they left: their uploads, their temporary folders and the
    kept rows of an import that was never stored. Run at ``tertial serve``'s start and by
    ``tertial cleanup_imports``; what a live process is using is left alone."""
    failed = uploads = 0
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING).exclude(runner=""):
        host, _sep, pid = job.runner.rpartition(":")
        if _gone(host, pid):
            fail_import_job(job, _(INTERRUPTED))
            uploads += remove_upload(job)
            failed += 1
    waiting = {
        Path(p)
        for p in ImportJob.objects.filter(
            status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
        ).values_list("file_path", flat=True)
    }
    # An upload no job waits for is one whose job was never created (the process died
    # between the two); a young one may be on its way to its job still.
    oldest = timezone.now().timestamp() - ORPHAN_AGE.total_seconds()
    if uploads_dir().is_dir():
        for path in uploads_dir().iterdir():
            if path.is_file() and path not in waiting and path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
                uploads += 1
    folders = 0
    raw = Path(settings.DATA_DIR) / "raw"
    if raw.is_dir():
        for path in raw.iterdir():
            match = re.fullmatch(r"(?:import|store)-(.+)-(\d+)-[^-]+", path.name)
            if path.is_dir() and match and _gone(_host_of(match[1]), match[2]):
                shutil.rmtree(path, ignore_errors=True)
                folders += 1
    rows = _remove_orphan_rows(raw) if raw.is_dir() else 0
    return {"jobs": failed, "uploads": uploads, "folders": folders, "rows": rows}


def _host_of(tag: str) -> str:
    """This host's name when ``tag`` is its name as ``temporary_prefix`` wrote it."""
    here = socket.gethostname()
    return here if re.sub(r"[^A-Za-z0-9.]", "_", here) == tag else tag


def _remove_orphan_rows(raw: Path) -> int:
    known = set(ImportBatch.objects.values_list("pk", flat=True))
    oldest = timezone.now().timestamp() - ORPHAN_AGE.total_seconds()
    removed = 0
    for path in raw.iterdir():
        stem = path.name.split(".", 1)[0]
        if (
            path.is_file()
            and stem.isdigit()
            and int(stem) not in known
            and path.stat().st_mtime < oldest
        ):
            path.unlink(missing_ok=True)
            removed += 1
    return removed

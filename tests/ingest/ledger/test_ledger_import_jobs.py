"""The import as a task (ImportJob) and as the commands import_ledger, import_budget, undo."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation
from rich.progress import Progress

from tertial.economy.models import ImportBatch, ImportJob, LedgerBalance
from tertial.ingest.ledger.tracing import rows_behind
from tertial.ingest.tasks import create_job, execute_job
from tests.ingest.ledger.helpers import AGRESSO_HEADER, write

LINES = [AGRESSO_HEADER, "202001;5010;1100;;;100,00;Lön", "202002;5010;1100;;;50,00;Lön"]


def test_job_reports_progress_and_batch(org, tmp_path):
    path = write(tmp_path / "hb.csv", LINES)
    job = ImportJob.objects.create(
        organisation=org, kind="ledger", file_path=str(path), mapping="unit4-agresso"
    )
    seen = []
    job = execute_job(job, progress=lambda percent, message: seen.append(percent))
    assert job.status == ImportJob.Status.DONE
    assert job.progress == 100
    assert job.batch.months == ["2020-01", "2020-02"]
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    assert {80, 90, 95} <= set(seen)  # the steps inside the transaction reach the bar too


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_a_ledger_import_is_prepared_for_tracing_after_it_is_stored(
    org, tmp_path, django_capture_on_commit_callbacks
):
    path = write(tmp_path / "hb.csv", LINES)
    job = ImportJob.objects.create(
        organisation=org, kind="ledger", file_path=str(path), mapping="unit4-agresso"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = execute_job(job)
    batch = ImportBatch.objects.get(pk=job.batch.pk)
    assert batch.raw_path.endswith(".prepared.parquet")
    assert [r["line"] for r in rows_behind(org, "1100", 2020, [1, 2])] == [2, 3]


def test_job_keeps_every_error(org, tmp_path):
    path = write(
        tmp_path / "hb.csv", [AGRESSO_HEADER, "202001;5010;9;;;x;a", "202001;5010;8;;;1;b"]
    )
    job = ImportJob.objects.create(
        organisation=org, kind="ledger", file_path=str(path), mapping="unit4-agresso"
    )
    job = execute_job(job)
    assert job.status == ImportJob.Status.FAILED
    assert {(e["line"], e["field"]) for e in job.errors} == {
        (2, "Belopp"),
        (2, "Ansvar"),
        (3, "Ansvar"),
    }
    assert job.batch is None
    assert not LedgerBalance.objects.filter(organisation=org).exists()


def test_job_runs_in_the_language_of_the_person_who_started_it(org, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path = write(tmp_path / "hb.csv", [AGRESSO_HEADER, "202001;5010;9;;;1;a"])
    with translation.override("en"):
        job = create_job(org, path, kind="ledger", mapping="unit4-agresso")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "errors: 1; nothing was saved"
    assert job.errors[0]["message"].startswith("the unit code '9' is not in the organisation")
    with translation.override("sv"):
        job = create_job(org, path, kind="ledger", mapping="unit4-agresso")
    job.refresh_from_db()
    assert job.message == "1 fel; inget har sparats"
    assert job.errors[0]["message"].startswith("ansvarskoden '9' finns inte i förvaltningen")


def test_command_refuses_to_replace_without_flag(org, tmp_path):
    path = write(tmp_path / "hb.csv", LINES)
    call_command("import_ledger", str(path), "--org", org.slug, "--mapping", "unit4-agresso")
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--org", org.slug)
    call_command("import_ledger", str(path), "--org", org.slug, "--replace")
    assert LedgerBalance.objects.filter(organisation=org).count() == 2
    assert ImportBatch.objects.filter(organisation=org).count() == 2


def test_command_shows_every_step_on_its_progress_bar(org, tmp_path, monkeypatch):
    shown = []
    update = Progress.update

    def recording(self, task, **fields):
        shown.append(fields.get("completed"))
        update(self, task, **fields)

    monkeypatch.setattr(Progress, "update", recording)
    path = write(tmp_path / "hb.csv", LINES)
    call_command("import_ledger", str(path), "--org", org.slug, "--mapping", "unit4-agresso")
    assert shown == [0, 75, 80, 90, 95, 100]


def test_command_reports_errors(org, tmp_path, capsys):
    path = write(tmp_path / "hb.csv", [AGRESSO_HEADER, "202001;5010;1100;;;12,3,4;x"])
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--org", org.slug)
    assert "hb.csv:2 [Belopp]" in capsys.readouterr().err


def test_undo_command(org, tmp_path, capsys):
    path = write(tmp_path / "hb.csv", LINES)
    call_command("import_ledger", str(path), "--org", org.slug)
    batch = ImportBatch.objects.get(organisation=org)
    call_command("undo_import", str(batch.pk))
    assert "utan värden" in capsys.readouterr().out
    assert not LedgerBalance.objects.filter(organisation=org).exists()
    with pytest.raises(CommandError):
        call_command("undo_import", str(batch.pk))


def test_budget_command(org, tmp_path):
    path = write(
        tmp_path / "budget.csv",
        ["year;month;unit;account_class;amount", "2020;1;1100;personnel;1000"],
        encoding="utf-8",
    )
    call_command("import_budget", str(path), "--org", org.slug)
    assert ImportBatch.objects.get(organisation=org).kind == "budget"


def _dead_pid() -> int:
    import subprocess
    import sys

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_a_killed_import_is_marked_failed_and_its_files_removed_at_the_next_start(
    org, tmp_path, settings
):
    import os
    import socket
    import time

    from tertial.economy.services import jobs

    settings.DATA_DIR = tmp_path / "data"
    uploads, raw = jobs.uploads_dir(), tmp_path / "data" / "raw"
    uploads.mkdir(parents=True)
    raw.mkdir(parents=True)
    host, dead = socket.gethostname(), _dead_pid()
    killed_upload = write(uploads / "killed.csv", LINES)
    queued_upload = write(uploads / "queued.csv", LINES)
    left_over = write(uploads / "left-over.csv", LINES)
    on_its_way = write(uploads / "on-its-way.csv", LINES)
    an_hour_ago = time.time() - 3700
    os.utime(left_over, (an_hour_ago, an_hour_ago))
    killed = ImportJob.objects.create(
        organisation=org,
        kind="ledger",
        file_path=str(killed_upload),
        mapping="unit4-agresso",
        status=ImportJob.Status.RUNNING,
        runner=f"{host}:{dead}",
    )
    elsewhere = ImportJob.objects.create(
        organisation=org,
        kind="ledger",
        file_path=str(tmp_path / "x.csv"),
        mapping="unit4-agresso",
        status=ImportJob.Status.RUNNING,
        runner=f"another-host:{dead}",
    )
    ImportJob.objects.create(
        organisation=org, kind="ledger", file_path=str(queued_upload), mapping="unit4-agresso"
    )
    tag = jobs.temporary_prefix("import")
    dead_folder = raw / (tag.replace(f"-{os.getpid()}-", f"-{dead}-") + "k1_x9") / "spill"
    live_folder = raw / f"{tag}abc123"
    dead_folder.mkdir(parents=True)
    live_folder.mkdir()
    out = io.StringIO()
    call_command("cleanup_imports", stdout=out)
    killed.refresh_from_db()
    elsewhere.refresh_from_db()
    assert killed.status == ImportJob.Status.FAILED and "avbruten" in killed.message
    assert killed.finished_at is not None
    assert elsewhere.status == ImportJob.Status.RUNNING
    assert not killed_upload.exists() and not left_over.exists()
    assert queued_upload.exists() and on_its_way.exists()
    assert not dead_folder.parent.exists() and live_folder.exists()
    assert "1 avbrutna importjobb markerade som misslyckade; 2 uppladdade" in out.getvalue()


def test_a_finished_job_removes_its_upload(org, tmp_path, settings):
    from tertial.economy.services import jobs

    settings.DATA_DIR = tmp_path / "data"
    jobs.uploads_dir().mkdir(parents=True)
    path = write(jobs.uploads_dir() / "hb.csv", LINES)
    job = ImportJob.objects.create(
        organisation=org, kind="ledger", file_path=str(path), mapping="unit4-agresso"
    )
    assert execute_job(job).status == ImportJob.Status.DONE
    assert not path.exists()

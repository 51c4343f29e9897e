"""Imports through the web (upload, errors by line, alias, undo) and the report page
(checks, downloads, editions and their diff, the public page)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tertial.economy.models import ImportBatch, ImportJob, LedgerBalance
from tertial.ingest.tasks import execute_job
from tertial.reports.services import freeze_edition

pytestmark = pytest.mark.django_db

LEDGER = "year;month;unit;account;activity;project;amount\n2020;9;1800;3410;;;-1000,00\n"
UNKNOWN = LEDGER + "2020;9;9999;3410;;;-5,00\n2020;9;9999;3410;;;-5,00\n"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def upload(client, period, text, name="huvudbok.csv"):
    return client.post(
        reverse("import_upload", args=[period.fiscal_year.organisation.slug, period.key]),
        {
            "kind": "ledger",
            "mapping": "tertial",
            "replace": "on",
            "file": SimpleUploadedFile(name, text.encode("utf-8")),
        },
    )


def run_last_job():
    return execute_job(ImportJob.objects.latest("created_at"))


def test_import_page_only_for_controllers(people, period_2020_08, data_dir, url, login):
    target = url("imports", period_2020_08)
    for user in (people.lkdata_head, people.reader, people.head):
        client = login(user)
        assert client.get(target).status_code == 403
        assert upload(client, period_2020_08, LEDGER).status_code == 403
    assert login(people.outsider).get(target).status_code == 404
    assert login(people.controller).get(target).status_code == 200
    assert not ImportJob.objects.exists()


def test_errors_by_line_alias_and_undo(people, period_2020_08, data_dir, url, login):
    client = login(people.controller)
    response = upload(client, period_2020_08, UNKNOWN)
    assert response.status_code == 302
    job = run_last_job()
    assert job.status == ImportJob.Status.FAILED
    fragment = client.get(reverse("import_job", args=["vss", "2020-08", job.pk]))
    text = fragment.content.decode()
    assert "9999" in text and "hx-trigger" not in text  # failed: polling stops
    assert not LedgerBalance.objects.filter(year=2020, month=9).exists()
    alias = {"source_code": "9999", "unit": people.lkdata.pk}
    add_alias = url("import_alias", period_2020_08)
    assert login(people.reader).post(add_alias, alias).status_code == 403
    assert client.post(add_alias, alias).status_code == 302
    upload(client, period_2020_08, UNKNOWN)
    job = run_last_job()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert LedgerBalance.objects.filter(year=2020, month=9, unit=people.lkdata).exists()
    page = client.get(url("imports", period_2020_08)).content.decode()
    assert "huvudbok.csv" in page
    undo = url("import_undo", period_2020_08, job.batch.pk)
    assert login(people.lkdata_head).post(undo).status_code == 403
    assert client.post(undo).status_code == 302
    assert ImportBatch.objects.get(pk=job.batch.pk).undone_at is not None
    assert not LedgerBalance.objects.filter(year=2020, month=9).exists()


def test_queued_job_is_polled(people, period_2020_08, data_dir, login):
    client = login(people.controller)
    upload(client, period_2020_08, LEDGER)
    job = ImportJob.objects.latest("created_at")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, progress=40)
    text = client.get(reverse("import_job", args=["vss", "2020-08", job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in text and 'value="40"' in text


def test_wrong_file_type_refused(people, period_2020_08, data_dir, login):
    client = login(people.controller)
    response = upload(client, period_2020_08, LEDGER, name="huvudbok.exe")
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_report_page_checks_downloads_and_editions(people, period_2020_08, url, login):
    client = login(people.reader)
    page = client.get(url("report", period_2020_08)).content.decode()
    assert "Kontroller" in page and "Förhandsgranskning" in page
    response = client.get(url("report_download", period_2020_08, "xlsx"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "utkast" in response["Content-Disposition"]
    assert client.get(url("report_download", period_2020_08, "exe")).status_code == 404
    working = client.get(url("report_download", period_2020_08, "html") + "?arbetskopia=1")
    assert "arbetskopia" in working["Content-Disposition"]
    assert "Avviker från förslaget" in working.content.decode()
    draft = client.get(url("report_download", period_2020_08, "html")).content.decode()
    assert "Avviker från förslaget" not in draft
    outsider = login(people.outsider)
    assert outsider.get(url("report_download", period_2020_08, "html")).status_code == 404
    freeze_edition(period_2020_08, actor=people.head, reason="första")
    freeze_edition(period_2020_08, actor=people.head, reason="andra")
    diff = client.get(url("report_diff", period_2020_08) + "?a=1&b=2")
    assert diff.status_code == 200 and "Utgåva 1 mot utgåva 2" in diff.content.decode()
    assert "<pre" not in diff.content.decode()  # changed words within the sentence, wrapped
    edition = client.get(url("report_download", period_2020_08, "html") + "?edition=1")
    assert "utgava-1" in edition["Content-Disposition"]


def test_published_report_is_the_frozen_edition(
    client, people, period_2020_08, url, login, approve_all_units, confirmed_approval
):
    approve_all_units(period_2020_08)
    head = login(people.head)
    approve = url("report_approve", period_2020_08)
    assert head.post(approve, confirmed_approval(period_2020_08)).status_code == 302
    assert head.post(url("report_publish", period_2020_08)).status_code == 302
    response = client.get(reverse("public_report", args=["vss", "2020-08"]))
    assert response.status_code == 200 and "utgåva 1" in response.content.decode()


def test_the_public_page_offers_the_published_edition_as_pdf_word_and_excel(
    client, people, period_2020_08, url, login, approve_all_units, confirmed_approval
):
    from tertial.reports.models import EditionFile
    from tertial.reports.tasks import store_edition_files

    approve_all_units(period_2020_08)
    head = login(people.head)
    head.post(url("report_approve", period_2020_08), confirmed_approval(period_2020_08))
    head.post(url("report_publish", period_2020_08))
    public = reverse("public_report", args=["vss", "2020-08"])
    download = reverse("public_download", args=["vss", "2020-08", "pdf"])
    # Until the worker has rendered the files, an anonymous reader makes nothing.
    assert "förbereds" in client.get(public).content.decode()
    assert client.get(download).status_code == 404
    assert not EditionFile.objects.exists()
    edition = period_2020_08.report_editions.get()
    store_edition_files.call(edition.pk)
    page = client.get(public).content.decode()
    for fmt, name in (("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel")):
        link = reverse("public_download", args=["vss", "2020-08", fmt])
        assert f'href="{link}" download>{name}</a>' in page
        response = client.get(link)
        assert response.status_code == 200 and "utgava-1" in response["Content-Disposition"]
    assert client.get(download).content.startswith(b"%PDF")
    assert (
        client.get(reverse("public_download", args=["vss", "2020-08", "html"])).status_code == 404
    )
    assert client.get(reverse("public_download", args=["vss", "2020-04", "pdf"])).status_code == 404

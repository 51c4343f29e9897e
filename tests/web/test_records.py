"""Records through the web: the import page and its task, the records behind a computed
value, a definition edited by those who may edit the indicator."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tertial.goals.models import Indicator
from tertial.ingest.records.tasks import execute_job
from tertial.records.models import ComputedValue, RecordBatch, RecordImportJob

pytestmark = pytest.mark.django_db

CALLS = (
    "ContactId,Queue,Offered,Answered,Ended,Abandoned,Channel,Unit,Caller\n"
    "X1,Kontakt,2020-09-01 08:00:00,2020-09-01 08:00:20,2020-09-01 08:05:00,0,voice,1500,070\n"
)


def upload(client, url, period, text, name="samtal.csv"):
    return client.post(
        url("record_upload", period),
        {"mapping": "contact-centre-calls", "file": SimpleUploadedFile(name, text.encode())},
    )


def test_the_records_page_is_for_those_who_import(people, period_2020_08, url, login):
    target = url("records", period_2020_08)
    for user in (people.kontakt_head, people.reader, people.head):
        client = login(user)
        assert client.get(target).status_code == 403
        assert upload(client, url, period_2020_08, CALLS).status_code == 403
    assert login(people.outsider).get(target).status_code == 404
    page = login(people.controller).get(target)
    assert page.status_code == 200
    text = page.content.decode()
    assert "kontakt-samtal-2020.csv" in text and "Svarsservice" in text
    assert not RecordImportJob.objects.exists()


def test_an_uploaded_file_is_imported_as_a_task_and_its_errors_shown_by_line(
    people, period_2020_08, url, login
):
    client = login(people.controller)
    assert (
        upload(client, url, period_2020_08, CALLS + "X2,K,igår,,,1,voice,1500,070\n").status_code
        == 302
    )
    job = execute_job(RecordImportJob.objects.latest("created_at"))
    assert job.status == RecordImportJob.Status.FAILED
    assert not Path(job.file_path).exists()  # the upload, with its personal columns, is gone
    fragment = client.get(url("record_job", period_2020_08, job.pk)).content.decode()
    assert "Offered" in fragment and ">3<" in fragment and "hx-trigger" not in fragment
    assert upload(client, url, period_2020_08, CALLS).status_code == 302
    job = execute_job(RecordImportJob.objects.latest("created_at"))
    assert job.status == RecordImportJob.Status.DONE, job.errors
    assert job.batch.months == ["2020-09"] and job.batch.source_name == "samtal.csv"
    # the earlier batch keeps its months; September is the new file's
    assert (
        RecordBatch.objects.get(
            organisation=job.organisation, kind="contacts", pk__lt=job.batch.pk
        ).months[-1]
        == "2020-08"
    )
    other = login(people.outsider).get(url("record_job", period_2020_08, job.pk))
    assert other.status_code == 404


def test_a_file_of_another_type_is_refused(people, period_2020_08, url, login):
    client = login(people.controller)
    response = upload(client, url, period_2020_08, "x", name="samtal.exe")
    assert response.status_code == 400
    assert not RecordImportJob.objects.exists()


def test_the_records_behind_a_computed_value_are_reached_from_its_page(
    people, period_2020_08, url, login
):
    indicator = Indicator.objects.get(organisation__slug="vss", code="tappade-samtal")
    target = url("indicator_records", period_2020_08, indicator.pk)
    unit_page = login(people.kontakt_head).get(url("unit", period_2020_08, people.kontakt.pk))
    assert target in unit_page.content.decode()
    client = login(people.reader)
    page = client.get(target).content.decode()
    assert "5,2" in page and "5 000 poster" in page.replace("\xa0", " ")
    assert "kontakt-samtal-2020.csv" in page and "Poster från 1 av 5" in page.replace("\xa0", " ")
    part = client.get(target + "?part=1&offset=250").content.decode().replace("\xa0", " ")
    assert "Poster från 251 av 260" in part
    assert "Spara definitionen" not in page  # a reader does not edit it
    assert client.get(target + "?offset=banan").status_code == 200
    assert login(people.outsider).get(target).status_code == 404


def test_a_controller_changes_a_definition_and_the_value_is_computed_again(
    people, period_2020_08, url, login
):
    indicator = Indicator.objects.get(organisation__slug="vss", code="svarsservice")
    action = url("record_definition", period_2020_08, indicator.pk)
    new = "kind: contacts\ncompute: share\nwhere: {channel: phone}\nof: {answered_within: 300}\n"
    assert login(people.reader).post(action, {"definition": new}).status_code == 403
    assert login(people.lkdata_head).post(action, {"definition": new}).status_code == 403
    client = login(people.controller)
    unit_page = client.get(url("unit", period_2020_08, people.lkdata.pk)).content.decode()
    assert "Beräkna värdet från poster" in unit_page  # an indicator not yet computed
    reader_page = login(people.reader).get(url("unit", period_2020_08, people.lkdata.pk))
    assert "Beräkna värdet från poster" not in reader_page.content.decode()
    bad = client.post(action, {"definition": "kind: contacts\ncompute: average\n"})
    assert bad.status_code == 400 and "compute" in bad.content.decode()
    assert client.post(action, {"definition": "{"}).status_code == 400
    assert client.post(action, {"definition": new}).status_code == 302
    value = ComputedValue.objects.get(indicator=indicator, year=2020, through_month=8)
    assert value.definition["of"] == {"answered_within": "300"}
    assert value.value > 91
    page = client.get(url("indicator_records", period_2020_08, indicator.pk)).content.decode()
    assert "Inskrivet värde" in page  # the typed 91 beside the computed value

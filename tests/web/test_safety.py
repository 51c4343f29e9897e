"""No lost work and no injected markup: conflicts, expired sessions, scripts, CSRF, uploads."""

from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tertial.audit.history import history
from tertial.economy.models import Forecast
from tertial.goals.models import Assessment, BoardGoal
from tertial.narrative.models import NarrativeSection
from tertial.web import stash
from tertial.web.forms import UploadForm

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_two_people_saving_the_same_forecast_get_a_conflict(
    people, period_2020_08, url, login, forecast_form, forecast_of
):
    unit, target = people.lkdata, url("unit_forecast", period_2020_08, people.lkdata.pk)
    loaded = forecast_form(unit, period_2020_08)  # both load the page at this version
    first = login(people.lkdata_head)
    second = login(people.controller)
    assert (
        first.post(target, {**loaded, "net_result": "2 650", "comment": "Först."}).status_code
        == 302
    )
    response = second.post(target, {**loaded, "net_result": "9 999", "comment": "Sen."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Konflikt" in page and "Först." in page and "Sen." in page
    saved = forecast_of(unit, period_2020_08)
    assert saved.comment == "Först." and saved.net_result == 2_650_000
    # The form now carries the newer version: saving again is a deliberate overwrite.
    assert f'value="{saved.version}"' in page
    again = second.post(
        target,
        {**loaded, "base_version": str(saved.version), "net_result": "9 999", "comment": "Sen."},
    )
    assert again.status_code == 302
    assert forecast_of(unit, period_2020_08).comment == "Sen."
    forecast = Forecast.objects.get(unit=unit, period=period_2020_08)
    assert [change.who for change in history(forecast)] == [
        people.controller.get_username(),
        people.lkdata_head.get_username(),
    ]


def test_conflicting_assessments_and_texts(people, period_2020_08, url, login):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    current = Assessment.objects.get(board_goal=goal, period=period_2020_08)
    target = url("goal_assessment", period_2020_08, goal.pk)
    data = {
        "form": "assessment",
        "base_version": str(current.version),
        "value": "met",
        "justification": "A",
    }
    client = login(people.controller)
    assert client.post(target, data).status_code == 302
    response = client.post(target, {**data, "justification": "B"})
    assert response.status_code == 409
    assert Assessment.objects.get(board_goal=goal, period=period_2020_08).justification == "A"
    section = NarrativeSection.objects.filter(period=period_2020_08).first()
    texts = url("text_section", period_2020_08, section.pk)
    post = {
        "form": f"section-{section.pk}",
        "base_version": str(section.version),
        "title": section.title,
        "body": "Version ett",
    }
    assert client.post(texts, post).status_code == 302
    response = client.post(texts, {**post, "body": "Version två"})
    assert response.status_code == 409 and "Version ett" in response.content.decode()
    section.refresh_from_db()
    assert section.body == "Version ett"


def test_a_script_typed_in_a_comment_is_shown_as_text(
    people, period_2020_08, url, login, forecast_form
):
    unit, target = people.lkdata, url("unit", period_2020_08, people.lkdata.pk)
    client = login(people.lkdata_head)
    saved = client.post(
        url("unit_forecast", period_2020_08, unit.pk),
        forecast_form(unit, period_2020_08, comment=SCRIPT),
    )
    assert saved.status_code == 302
    client.post(url("unit_submit", period_2020_08, unit.pk))
    for reader in (people.reader, people.controller):
        page = login(reader).get(target).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_markdown_is_sanitised(people, period_2020_08, url, login):
    goal = BoardGoal.objects.get(fiscal_year=period_2020_08.fiscal_year, code="god-service")
    current = Assessment.objects.get(board_goal=goal, period=period_2020_08)
    target = url("goal", period_2020_08, goal.pk)
    saved = login(people.controller).post(
        url("goal_assessment", period_2020_08, goal.pk),
        {
            "form": "assessment",
            "base_version": str(current.version),
            "value": "met",
            "justification": f"**Bra** arbete.\n\n{SCRIPT}\n\n[länk](javascript:alert(1))",
        },
    )
    assert saved.status_code == 302
    page = login(people.reader).get(target).content.decode()
    assert "<strong>Bra</strong>" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page


def test_expired_session_keeps_the_typed_text(
    people, period_2020_08, url, forecast_form, forecast_of
):
    unit, target = people.lkdata, url("unit", period_2020_08, people.lkdata.pk)
    client = signed_in_before(people.lkdata_head)  # whose session has since expired
    typed = forecast_form(unit, period_2020_08, "3 100", "Lång text som inte får försvinna.")
    response = client.post(url("unit_forecast", period_2020_08, unit.pk), typed)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert response["Location"].endswith("?next=" + target)
    assert forecast_of(unit, period_2020_08).comment != typed["comment"]
    client.force_login(people.lkdata_head)
    page = client.get(target).content.decode()
    assert "Lång text som inte får försvinna." in page and 'value="3 100"' in page
    assert "utloggad" in page
    # Shown once: the next visit shows the saved state again.
    assert "Lång text som inte får försvinna." not in client.get(target).content.decode()


def test_csrf_is_enforced(people, period_2020_08, url, forecast_form):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.lkdata_head)
    target = url("unit_forecast", period_2020_08, people.lkdata.pk)
    response = client.post(target, forecast_form(people.lkdata, period_2020_08))
    assert response.status_code == 403


def test_upload_limits(settings):
    settings.TERTIAL_MAX_UPLOAD_BYTES = 10
    too_big = UploadForm(files={"file": SimpleUploadedFile("huvudbok.csv", b"x" * 11)})
    assert not too_big.is_valid() and "för stor" in str(too_big.errors)
    wrong = UploadForm(files={"file": SimpleUploadedFile("huvudbok.exe", b"x")})
    assert not wrong.is_valid() and "csv, xlsx eller parquet" in str(wrong.errors)
    fine = UploadForm(files={"file": SimpleUploadedFile("huvudbok.CSV", b"x")})
    assert fine.is_valid()


def test_a_forecast_beyond_what_is_stored_exactly_is_refused_in_tkr_and_pages_still_answer(
    people, period_2020_08, url, login, forecast_form, forecast_of
):
    unit = people.lkdata
    before = forecast_of(unit, period_2020_08)
    head = login(people.lkdata_head)
    action = url("unit_forecast", period_2020_08, unit.pk)
    for typed in ("99 999 999 999 999 999 999", "10 000 000 000"):
        response = head.post(action, forecast_form(unit, period_2020_08, typed))
        assert response.status_code == 400
        page = response.content.decode().replace("\u00a0", " ")
        assert "mindre än 10 000 000 000 tkr" in page
    assert forecast_of(unit, period_2020_08) == before
    largest = forecast_form(unit, period_2020_08, "9 999 999 999,99999")
    assert head.post(action, largest).status_code == 302
    assert str(forecast_of(unit, period_2020_08).net_result) == "9999999999999.99"
    for page in ("dashboard", "report"):
        assert head.get(url(page, period_2020_08)).status_code == 200
    assert head.get(url("unit", period_2020_08, unit.pk)).status_code == 200


def test_an_indicator_value_with_more_digits_than_are_kept_is_refused(
    people, period_2020_08, url, login, value_form
):
    from tertial.goals.models import Indicator

    indicator = Indicator.objects.get(
        organisation=people.lkdata.organisation, code="arenden-lkdata-support"
    )
    action = url("unit_value", period_2020_08, people.lkdata.pk, indicator.pk)
    typed = value_form(indicator, period_2020_08, value="99 999 999 999 999 999 999")
    response = login(people.lkdata_head).post(action, typed)
    assert response.status_code == 400 and "15 siffror" in response.content.decode()


def signed_in_before(user) -> Client:
    """A browser on which ``user`` signed in, whose session has since ended."""
    client = Client()
    client.cookies[stash.MARK_COOKIE] = signing.dumps(user.pk, salt=stash.MARK_SALT)
    return client


def test_signing_in_marks_the_browser(people, url):
    people.reader.set_password("ett långt lösenord")
    people.reader.save()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "lasare", "password": "ett långt lösenord"}
    )
    assert response.status_code == 302
    mark = client.cookies[stash.MARK_COOKIE]
    assert mark["httponly"] and signing.loads(mark.value, salt=stash.MARK_SALT) == people.reader.pk


def test_an_anonymous_post_stores_nothing(people, period_2020_08, url, forecast_form):
    unit = people.lkdata
    action = url("unit_forecast", period_2020_08, unit.pk)
    typed = forecast_form(unit, period_2020_08, "3 100", "Text från någon okänd.")
    sessions = Session.objects.count()
    stranger = Client()
    stranger.cookies[stash.MARK_COOKIE] = "forged"
    for client in (Client(), stranger):
        response = client.post(action, typed)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Session.objects.count() == sessions


def test_kept_text_is_bounded_and_only_for_pages_that_exist(
    people, period_2020_08, url, forecast_form
):
    unit = people.lkdata
    sessions = Session.objects.count()
    client = signed_in_before(people.lkdata_head)
    huge = forecast_form(unit, period_2020_08, "3 100", "x" * (stash.MAX_CHARACTERS + 1))
    client.post(url("unit_forecast", period_2020_08, unit.pk), huge)
    nowhere = url("unit_forecast", period_2020_08, unit.pk).replace("/2020-08/", "/1999-08/")
    client.post(nowhere, forecast_form(unit, period_2020_08))
    assert Session.objects.count() == sessions
    client.post(url("unit_forecast", period_2020_08, unit.pk), forecast_form(unit, period_2020_08))
    assert Session.objects.count() == sessions + 1


@pytest.fixture
def spooled(monkeypatch):
    """What Django writes of uploads to temporary files: the names, and the bytes in all."""
    from django.core.files import uploadhandler

    written = SimpleNamespace(names=[], size=0)
    new_file = uploadhandler.TemporaryFileUploadHandler.new_file
    receive = uploadhandler.TemporaryFileUploadHandler.receive_data_chunk

    def created(self, *args, **kwargs):
        written.names.append(args[1] if len(args) > 1 else kwargs.get("file_name"))
        return new_file(self, *args, **kwargs)

    def wrote(self, raw_data, start):
        written.size += len(raw_data)
        return receive(self, raw_data, start)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", created)
    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "receive_data_chunk", wrote)
    return written


def _upload(client, period, size):
    return client.post(
        reverse("import_upload", args=[period.fiscal_year.organisation.slug, period.key]),
        {
            "kind": "ledger",
            "mapping": "tertial",
            "file": SimpleUploadedFile("huvudbok.csv", b"x" * size),
        },
    )


def test_an_upload_growing_past_the_limit_is_stopped_before_more_is_written(
    people, period_2020_08, login, settings, spooled
):
    from tertial.economy.models import ImportJob

    settings.TERTIAL_MAX_UPLOAD_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file would be spooled to disk
    controller = login(people.controller)
    response = _upload(controller, period_2020_08, 150_000)
    assert response.status_code == 413 and "för stor" in response.content.decode()
    assert spooled.size <= 100_000 and not ImportJob.objects.exists()
    assert _upload(controller, period_2020_08, 500).status_code == 302


def test_an_upload_whose_length_is_announced_too_large_is_refused_before_reading(
    people, period_2020_08, login, settings, spooled
):
    settings.TERTIAL_MAX_UPLOAD_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    response = _upload(login(people.controller), period_2020_08, 100_000)
    assert response.status_code == 413
    assert spooled.names == [] and spooled.size == 0


def test_nothing_of_an_anonymous_upload_is_spooled(people, period_2020_08, settings, spooled):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    sessions = Session.objects.count()
    for client in (Client(), signed_in_before(people.controller)):
        response = _upload(client, period_2020_08, 5000)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert spooled.names == [] and spooled.size == 0
    # The signed-in-before browser keeps the typed fields (not the file) for the page.
    assert Session.objects.count() == sessions + 1

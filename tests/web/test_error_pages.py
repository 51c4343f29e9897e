"""Every error a person can meet is a page in the site's layout, in Swedish, with a way on."""

import pytest
from django.test import Client, override_settings


def test_a_missing_page_says_so_in_swedish_with_a_way_back(people, login):
    response = login(people.reader).get("/org/vss/2099-01/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html and 'href="/"' in html and "Till startsidan" in html
    assert "Not Found" not in html and 'class="site-header"' in html


def test_a_refused_action_explains_the_missing_right(people, period_2020_08, url, login):
    response = login(people.reader).post(url("deadlines", period_2020_08), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Du har inte behörighet" in html and "Till startsidan" in html


def test_a_stale_form_is_explained_not_a_csrf_code(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.reader)
    response = client.post("/konto/", {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formuläret hade gått ut" in html and "CSRF verification" not in html


@override_settings(ROOT_URLCONF="tests.web.error_urls")
def test_a_fault_shows_the_error_page_not_a_traceback(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Något gick fel" in html and "RuntimeError" not in html and "Traceback" not in html


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_error_pages_follow_the_chosen_language(people, login, language):
    client = login(people.reader)
    client.post("/i18n/setlang/", {"language": language})
    html = client.get("/org/vss/2099-01/").content.decode()
    assert ("Page not found" if language == "en" else "Sidan finns inte") in html

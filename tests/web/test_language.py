"""A Swedish municipality's pages are Swedish until a person chooses English, whatever the
browser asks for, unless the organisation allows the browser's language."""

import pytest

from tertial.organisation.models import Organisation

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def test_an_english_browser_alone_gets_swedish(people, period_2020_08, url, login):
    client = login(people.reader)
    response = client.get(url("texts", period_2020_08), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in response.content.decode()
    assert client.get("/", **ENGLISH_BROWSER)["Content-Language"] == "sv"


def test_a_person_who_chooses_english_gets_english(people, period_2020_08, url, login):
    client = login(people.reader)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.get(url("texts", period_2020_08))
    assert response["Content-Language"] == "en" and "Texts" in response.content.decode()


def test_an_organisation_may_follow_the_browser(vss, people, period_2020_08, url, login):
    Organisation.objects.filter(pk=vss.pk).update(
        settings={**vss.settings, "browser_language": True}
    )
    client = login(people.reader)
    response = client.get(url("texts", period_2020_08), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    # A Swedish choice stands against the browser.
    client.post("/i18n/setlang/", {"language": "sv"})
    assert client.get(url("texts", period_2020_08), **ENGLISH_BROWSER)["Content-Language"] == "sv"


@pytest.mark.parametrize("allowed,expected", [(False, "sv"), (True, "en")])
def test_the_site_pages_follow_the_site_setting(client, settings, db, allowed, expected):
    settings.TERTIAL_BROWSER_LANGUAGE = allowed
    assert client.get("/login/", **ENGLISH_BROWSER)["Content-Language"] == expected

"""English as the second language: the catalogue is complete and in use; Swedish is the default.

The source text is Swedish (the msgids); tertial/locale/en/LC_MESSAGES/django.po holds the
English. See docs/translating.md.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "tertial"
CATALOGUE_DIR = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sd]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_FILE))


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _live_entries(catalogue) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


# --- The catalogue itself -------------------------------------------------------------------


def test_every_msgid_has_a_checked_english_translation():
    entries = _live_entries(_catalogue())
    assert len(entries) > 500, "the catalogue looks truncated"
    untranslated = [e.msgid for e in entries if not all(_translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    assert not _catalogue().metadata_is_fuzzy
    assert _catalogue().metadata["Language"] == "en"


def test_translations_keep_placeholders_and_html():
    problems = []
    for entry in _live_entries(_catalogue()):
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for source, translated in zip(sources, _translations(entry), strict=False):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                problems.append(("placeholders", source, translated))
            if TAG.findall(source) != TAG.findall(translated):
                problems.append(("markup", source, translated))
    assert problems == []


def test_no_swedish_left_in_the_english_catalogue():
    # A copied msgid or a half-translated sentence nearly always keeps an å, ä or ö.
    leftovers = [
        text
        for entry in _live_entries(_catalogue())
        for text in _translations(entry)
        if SWEDISH_LETTERS.search(text)
    ]
    assert leftovers == []


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (CI has no msgfmt): it must be compiled from the current .po."""
    compiled = {_key(e): _translations(e) for e in polib.mofile(str(MO_FILE)) if e.msgid}
    source = {_key(e): _translations(e) for e in _live_entries(_catalogue())}
    assert compiled == source


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_catalogue_has_every_string_marked_in_the_source(tmp_path, settings, monkeypatch):
    """Extract the strings afresh from a copy of the package and compare the msgids.

    A copy, so that makemessages writes into tmp_path and never into the real catalogue.
    """
    source = tmp_path / "src" / "tertial"
    shutil.copytree(
        PACKAGE_DIR,
        source,
        ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc"),
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["en"], no_location=True, verbosity=0)
    fresh = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    fresh_keys = {_key(e) for e in fresh}
    committed_keys = {_key(e) for e in _live_entries(_catalogue())}
    assert sorted(fresh_keys - committed_keys, key=str) == [], "run makemessages and translate"
    assert sorted(committed_keys - fresh_keys, key=str) == [], "strings no longer in the source"


# --- The catalogue in use -------------------------------------------------------------------


def test_swedish_is_the_default_language():
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _name in settings.LANGUAGES] == ["sv", "en"]


def test_python_strings_follow_the_active_language():
    from tertial.goals.models import Assessment
    from tertial.organisation.models import Unit

    with translation.override("sv"):
        assert str(Unit._meta.verbose_name) == "verksamhet"
        assert Assessment.Value.PARTLY_MET.label == "uppnås delvis"
    with translation.override("en"):
        assert str(Unit._meta.verbose_name) == "unit"
        assert Assessment.Value.PARTLY_MET.label == "partly met"


def _login_page(client, **headers) -> str:
    response = client.get(reverse("login"), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_login_page_is_swedish_without_a_language_preference(client):
    page = _login_page(client)
    assert '<html lang="sv">' in page
    assert "Användarnamn" in page and "Lösenord" in page
    assert "Username" not in page


@pytest.mark.django_db
def test_login_page_is_english_when_the_browser_asks_and_the_site_allows_it(client, settings):
    settings.TERTIAL_BROWSER_LANGUAGE = True
    page = _login_page(client, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in page
    assert "Username" in page and "Password" in page and "Log in" in page
    assert "Användarnamn" not in page and "Logga in" not in page


@pytest.mark.django_db
def test_a_language_tertial_lacks_falls_back_to_swedish(client):
    page = _login_page(client, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="sv">' in page
    assert "Användarnamn" in page


@pytest.mark.django_db
def test_the_language_chosen_on_the_site_wins_over_the_browser(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = _login_page(client, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Username" in page and "Användarnamn" not in page


@pytest.mark.django_db
def test_dashboard_in_english(client, vss, period_2020_08, people):
    client.force_login(people.reader)
    url = reverse("dashboard", args=[vss.slug, period_2020_08.key])
    swedish = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    for sv, en in [
        ("Verksamheter", "Units"),
        ("Prognos helår", "Full-year forecast"),
        ("Avvikelse", "Deviation"),
        ("Måluppfyllelse", "Goal attainment"),
        ("Nämndmål", "Board goal"),
    ]:
        assert sv in swedish and en not in swedish
        assert en in english and sv not in english

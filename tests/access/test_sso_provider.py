"""Single sign-on against a real, certified OpenID provider run locally (node-oidc-provider,
tests/sso_provider; `.ci/run` installs it with npm). The provider's own sign-in pages are
driven over HTTP as a browser would, tertial through the test client.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tertial.access import oidc
from tertial.access.models import Membership, SignInIdentity
from tertial.audit.models import AuditEntry
from tests.access.provider import ROLES, SITE, Browser, running_provider, sso_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider_url():
    with running_provider() as url:
        yield url


@pytest.fixture
def roles_file(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(ROLES)
    return path


@pytest.fixture
def sso(settings, provider_url, roles_file):
    """Single sign-on configured against the local provider; returns the settings to change."""
    settings.SITE_URL = SITE
    settings.OIDC = sso_settings(provider_url, ROLES_FILE=str(roles_file))
    oidc.forget_provider()
    yield settings
    oidc.forget_provider()


def _sign_in(client: Client, browser: Browser, login: str, next_url: str = "/"):
    start = client.get(reverse("sso_start"), {"next": next_url})
    assert start.status_code == 302, start.content[:500]
    return client.get(browser.follow(start["Location"], login))


def test_a_first_sign_in_creates_the_account_named_and_with_the_role_of_its_groups(
    sso, vss, caplog
):
    caplog.set_level("DEBUG")
    client, browser = Client(), Browser()
    page = "/org/vss/"
    response = _sign_in(client, browser, "anna", next_url=page)
    assert response.status_code == 302 and response["Location"] == page
    id_token = client.session["tertial_sso_id_token"]
    assert id_token.count(".") == 2 and id_token not in caplog.text
    assert id_token.split(".")[2] not in caplog.text
    user = client.get("/").context["user"]
    assert (user.username, user.first_name, user.last_name) == ("anna.berg", "Anna", "Berg")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, organisation=vss).role == "controller"
    assert SignInIdentity.objects.get(user=user).subject == "anna"
    granted = AuditEntry.objects.get(action="access.membership.granted", after__user="anna.berg")
    assert granted.reason == "grupper från kommunens inloggning"
    assert AuditEntry.objects.filter(action="access.identity.created").count() == 1
    # Signing in again finds the same account by its subject.
    client.post(reverse("logout"))
    _sign_in(Client(), Browser(), "anna")
    assert get_user_model().objects.filter(first_name="Anna").count() == 1


def test_sign_out_ends_the_providers_session_so_the_next_person_is_asked_to_sign_in(sso, vss):
    client, browser = Client(), Browser()
    _sign_in(client, browser, "anna")
    assert browser.asked_for_login
    out = client.post(reverse("logout"))
    assert out.status_code == 302 and "id_token_hint=" in out["Location"]
    assert browser.follow(out["Location"]) == "/"
    assert not client.get("/").context["user"].is_authenticated
    browser.asked_for_login = False
    _sign_in(client, browser, "anna")
    assert browser.asked_for_login


@pytest.mark.parametrize("login", ["mallory", "mallory-verified"])
def test_a_provider_account_claiming_an_administrators_address_does_not_become_them(
    sso, people, login
):
    sso.OIDC["LINK_BY_EMAIL"] = True
    superuser = get_user_model().objects.create_superuser("chef-su", email="chef@kommun.se")
    client = Client()
    response = _sign_in(client, Browser(), login)
    assert response.status_code == 403
    assert not client.get("/").context["user"].is_authenticated
    assert not SignInIdentity.objects.filter(user=superuser).exists()


def test_a_verified_address_links_an_existing_account_only_when_allowed(sso, people):
    karin = get_user_model().objects.create_user("karin", email="Karin@kommun.se")
    Membership.objects.create(user=karin, organisation=people.lkdata.organisation, role="reader")
    refused = _sign_in(Client(), Browser(), "karin")
    assert refused.status_code == 403
    assert "inte kopplat" in refused.content.decode()

    sso.OIDC["LINK_BY_EMAIL"] = True
    client = Client()
    assert _sign_in(client, Browser(), "karin").status_code == 302
    assert client.get("/").context["user"] == karin
    karin.refresh_from_db()
    assert (karin.first_name, karin.last_name) == ("Karin", "Ek")


def test_a_person_without_account_or_mapped_group_is_told_so(sso, vss):
    response = _sign_in(Client(), Browser(), "nils")
    assert response.status_code == 403
    assert "ingen roll i tertial" in response.content.decode()
    assert not get_user_model().objects.filter(email="nils@kommun.se").exists()


def test_client_authentication_by_post(sso, vss):
    sso.OIDC.update(CLIENT_ID="tertial-post", CLIENT_AUTH="post")
    client = Client()
    assert _sign_in(client, Browser(), "anna").status_code == 302
    assert client.get("/").context["user"].username == "anna.berg"


def _callback_of(client: Client, login: str) -> str:
    start = client.get(reverse("sso_start"))
    return Browser().follow(start["Location"], login)


def test_a_tampered_state_is_refused(sso, vss):
    client = Client()
    callback = _callback_of(client, "anna")
    tampered = re.sub(r"state=[^&]+", "state=forged", callback)
    response = client.get(tampered)
    assert response.status_code == 400
    assert "kunde inte kontrolleras" in response.content.decode()
    assert not client.get("/").context["user"].is_authenticated


def test_a_reused_code_is_refused(sso, vss):
    client = Client()
    callback = _callback_of(client, "anna")
    pending = client.cookies["tertial_sso"].value
    assert client.get(callback).status_code == 302
    client.post(reverse("logout"))
    client.cookies["tertial_sso"] = pending
    response = client.get(callback)
    assert response.status_code == 400
    assert "redan använts" in response.content.decode()
    assert not client.get("/").context["user"].is_authenticated


def test_a_wrong_client_secret_shows_a_page_not_a_server_error(sso, vss, caplog):
    client = Client()
    callback = _callback_of(client, "anna")
    sso.OIDC["CLIENT_SECRET"] = "fel"
    response = client.get(callback)
    assert response.status_code == 502
    assert "fel inställd" in response.content.decode()
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert "client_refused" in caplog.text and code not in caplog.text


def test_a_cancelled_sign_in_says_so(sso, vss):
    client = Client()
    start = client.get(reverse("sso_start"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("sso_callback"), {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "avbröt" in response.content.decode()


def test_a_provider_naming_another_issuer_is_refused(sso, provider_url):
    sso.OIDC["ISSUER"] = provider_url.replace("127.0.0.1", "localhost")
    response = Client().get(reverse("sso_start"))
    assert response.status_code == 502
    assert "fel inställd" in response.content.decode()


def test_the_sign_in_asks_for_pkce_by_default(sso, vss):
    query = parse_qs(urlsplit(Client().get(reverse("sso_start"))["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    sso.OIDC["PKCE"] = False
    query = parse_qs(urlsplit(Client().get(reverse("sso_start"))["Location"]).query)
    assert "code_challenge" not in query


@pytest.fixture
def hung_provider():
    """An address that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_a_hung_provider_ends_in_a_page_within_the_timeout_and_the_site_answers(
    settings, hung_provider, db
):
    settings.SITE_URL = SITE
    settings.OIDC = sso_settings(hung_provider, TIMEOUT_SECONDS=2, MAX_CONCURRENT=1)
    oidc.forget_provider()
    answers: list[str] = []

    def sign_in():
        response = Client().get("/sso/start/")
        assert response.status_code == 503
        answers.append(re.search(r"<h1>(.*)</h1>", response.content.decode()).group(1))

    assert Client().get(reverse("login")).status_code == 200  # the first page loads templates
    began = time.monotonic()
    signing_in = [threading.Thread(target=sign_in) for _ in range(3)]
    for thread in signing_in:
        thread.start()
    time.sleep(0.2)
    assert Client().get(reverse("login")).status_code == 200
    assert time.monotonic() - began < 1
    for thread in signing_in:
        thread.join()
    assert time.monotonic() - began < 3
    # One waited for the provider until the timeout; the others a second for their turn.
    assert sorted(answers) == [
        "Kommunens inloggning svarar inte",
        "Många loggar in just nu",
        "Många loggar in just nu",
    ]
    page = Client().get("/sso/start/")
    assert page.status_code == 503
    assert "svarar inte" in page.content.decode()


def test_an_error_answer_not_of_this_sign_in_is_refused_as_such(sso, vss):
    client = Client()
    client.get(reverse("sso_start"))
    response = client.get(reverse("sso_callback"), {"error": "access_denied", "state": "x"})
    assert response.status_code == 400
    assert "startades inte i den här webbläsaren" in response.content.decode()

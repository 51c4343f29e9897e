import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_user("karin", password="ett-långt-lösenord")


def test_log_in_and_out(client, person):
    response = client.post(
        reverse("login"), {"username": "karin", "password": "ett-långt-lösenord"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == person
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_locked_out_after_repeated_failures(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "karin", "password": "fel"})
    response = client.post(
        reverse("login"), {"username": "karin", "password": "ett-långt-lösenord"}
    )
    assert response.status_code in (403, 429)
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_no_single_sign_on_unless_configured(client):
    page = client.get(reverse("login")).content.decode()
    assert "oidc" not in page and "kommunens konto" not in page
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback")).status_code == 404


def test_the_sign_in_page_offers_single_sign_on_keeping_the_page_asked_for(client, settings):
    from tests.access.provider import sso_settings

    settings.OIDC = sso_settings("https://login.kommun.se")
    page = client.get(reverse("login"), {"next": "/org/vss/"}).content.decode()
    assert 'href="/sso/start/?next=/org/vss/"' in page


PROXY = "10.0.0.1"


def _behind_proxy(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{address}, {PROXY}")


def _fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "fel"})


def _logs_in(client: Client) -> bool:
    client.post(reverse("login"), {"username": "karin", "password": "ett-långt-lösenord"})
    return client.get(reverse("home")).context["user"].is_authenticated


def test_invented_names_tried_behind_the_proxy_lock_nobody_out(person, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = _behind_proxy("203.0.113.9")
    for number in range(settings.AXES_FAILURE_LIMIT + 2):
        _fail(attacker, f"påhittad{number}", 1)
    _fail(attacker, "påhittad", settings.AXES_FAILURE_LIMIT + 1)
    assert _logs_in(_behind_proxy("203.0.113.9"))
    assert _logs_in(_behind_proxy("198.51.100.4"))


def test_a_lock_holds_for_one_name_from_one_address_behind_the_proxy(person, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    _fail(_behind_proxy("203.0.113.9"), "karin", settings.AXES_FAILURE_LIMIT)
    assert not _logs_in(_behind_proxy("203.0.113.9"))
    assert _logs_in(_behind_proxy("198.51.100.4"))


def test_the_proxy_header_counts_only_from_a_trusted_proxy(person, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    # A client that writes the header itself cannot escape its lock by changing it.
    for number in range(settings.AXES_FAILURE_LIMIT):
        _fail(
            Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"), "karin", 1
        )
    assert not _logs_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_a_sign_in_ends_after_the_idle_timeout_and_after_its_lifetime(client, person, settings):
    from tertial.web import sessions

    client.force_login(person)
    assert client.get(reverse("home")).context["user"].is_authenticated
    session = client.session
    session[sessions.SEEN_AT] -= settings.SESSION_IDLE_MINUTES * 60 + 1
    session.save()
    assert not client.get(reverse("home")).context["user"].is_authenticated

    client.force_login(person)
    client.get(reverse("home"))
    session = client.session
    session[sessions.SIGNED_IN_AT] -= settings.SESSION_HOURS * 3600 + 1
    session.save()
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_password_sign_out_goes_home(client, person):
    client.force_login(person)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/"


def test_failed_single_sign_ons_never_lock_out_a_password_sign_in(person, settings):
    from tests.access.provider import sso_settings

    settings.OIDC = sso_settings("https://login.kommun.se")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        failed = Client().get(reverse("sso_callback"), {"code": "x", "state": "forged"})
        assert failed.status_code == 400
    assert _logs_in(Client())

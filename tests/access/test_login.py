import pytest
from django.contrib.auth import get_user_model
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

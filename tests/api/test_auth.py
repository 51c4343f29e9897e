"""Token authentication: who may read what, and nothing but reading."""

import io

import pytest
from django.core.management import CommandError, call_command

from tertial.access.models import ApiToken, hash_token
from tertial.access.services import issue_token, revoke_token
from tertial.organisation.models import Organisation

URL = "/api/v1/organisations/vss/"


def test_valid_token_reads_its_organisation_and_records_use(client, vss):
    token, secret = issue_token(vss, "Excel", actor=None)
    assert token.last_used_at is None
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["slug"] == "vss"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_hash_and_a_short_prefix_are_stored(vss):
    token, secret = issue_token(vss, "Excel", actor=None)
    token.refresh_from_db()
    assert token.token_hash == hash_token(secret) != secret
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 2
    stored = [value for value in vars(token).values() if isinstance(value, str)]
    assert secret not in stored


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_missing_token_is_401_json_with_challenge(client, vss):
    response = client.get(URL)
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer tertial_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "tertial_x"],
)
def test_invalid_token_is_401(client, vss, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_revoked_token_is_401(client, vss):
    token, secret = issue_token(vss, "Old", actor=None)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    revoke_token(token, actor=None)
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_another_organisations_data_is_404_like_a_missing_one(client, vss):
    other = Organisation.objects.create(slug="other", name="Annan", municipality="Annan kommun")
    _token, secret = issue_token(other, "Their Power BI", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/organisations/other/", **auth).status_code == 200
    for path in [
        URL,
        "/api/v1/organisations/vss/periods/2020-08/goals",
        "/api/v1/organisations/nowhere/",
    ]:
        response = client.get(path, **auth)
        assert response.status_code == 404, path
        assert response.json() == {
            "error": {"code": "not_found", "message": response.json()["error"]["message"]}
        }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed_even_without_csrf_token(vss, vss_token, method):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(URL, HTTP_AUTHORIZATION=f"Bearer {vss_token}")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert error_code(response) == "method_not_allowed"


def test_no_session_or_csrf_cookie_is_involved(client, api):
    response = api(URL)
    assert response.status_code == 200
    assert not response.cookies
    assert "sessionid" not in client.cookies
    assert response["Cache-Control"] == "private, no-store"


def test_a_logged_in_session_without_token_is_not_enough(client, vss, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "x" * 16)
    client.force_login(user)
    assert client.get(URL).status_code == 401


def test_create_api_token_command_prints_a_working_token_once(client, vss, django_user_model):
    from tertial.access.models import Membership

    controller = django_user_model.objects.create_user("controller", password="x" * 16)
    Membership.objects.create(user=controller, organisation=vss, role="controller")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token",
        org="vss",
        name="Power BI",
        created_by="controller",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(token_hash=hash_token(secret))
    assert token.name == "Power BI" and token.created_by.username == "controller"
    assert token.prefix in err.getvalue() and secret not in err.getvalue()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_create_api_token_refuses_unknown_organisation(db):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("create_api_token", org="nowhere", name="x", stdout=io.StringIO())


def test_admin_revokes_but_cannot_create_tokens(client, vss, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "x" * 16)
    client.force_login(admin)
    token, secret = issue_token(vss, "Power BI", actor=None)
    assert client.get("/admin/access/apitoken/add/").status_code == 403
    listing = client.get("/admin/access/apitoken/")
    assert token.prefix in listing.content.decode()
    assert secret not in listing.content.decode()
    response = client.post(
        "/admin/access/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def _member(username, organisation, role="reader"):
    from django.contrib.auth import get_user_model

    from tertial.access.models import Membership

    user = get_user_model().objects.create_user(username, f"{username}@example.se", "pw")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_a_token_stops_working_when_its_creator_is_deactivated(client, vss):
    creator = _member("skapare", vss, "controller")
    token, secret = issue_token(vss, "Power BI", actor=creator)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    creator.is_active = False
    creator.save()
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401 and error_code(response) == "invalid_token"
    creator.is_active = True
    creator.save()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_token_stops_working_when_its_creator_loses_the_organisation(client, vss):
    from tertial.access.models import Membership
    from tertial.access.services import revoke_role

    creator = _member("skapare", vss, "controller")
    _token, secret = issue_token(vss, "Power BI", actor=creator)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    revoke_role(Membership.objects.get(user=creator, organisation=vss), actor=None)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_no_token_for_a_person_without_a_role_in_the_organisation(vss):
    from tertial.core.errors import Refused

    other = Organisation.objects.create(slug="annan", name="Annan", municipality="X")
    stranger = _member("fremling", other)
    with pytest.raises(Refused):
        issue_token(vss, "Power BI", actor=stranger)
    with pytest.raises(CommandError, match="ingen roll"):
        call_command(
            "create_api_token", org="vss", name="x", created_by="fremling", stdout=io.StringIO()
        )
    assert not ApiToken.objects.filter(created_by=stranger).exists()


def test_the_token_page_shows_whose_token_it_is_when_it_was_used_and_whether_it_works(client, vss):
    from django.contrib.auth import get_user_model

    creator = _member("skapare", vss, "controller")
    _token, secret = issue_token(vss, "Power BI", actor=creator)
    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    creator.is_active = False
    creator.save()
    admin = get_user_model().objects.create_superuser("root", "root@example.se", "pw")
    client.force_login(admin)
    page = client.get("/admin/access/apitoken/").content.decode()
    assert "skapare" in page and "Power BI" in page
    assert "icon-no.svg" in page and "field-last_used_at" in page
    assert 'field-last_used_at">-<' not in page

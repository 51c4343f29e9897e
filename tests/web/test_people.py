"""The people page: who manages people, who may give which role, the invitation e-mail with
the link a new person chooses a password at, and every change in the log."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tertial.access.models import Membership
from tertial.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def invitation(email, role="reader", units=()):
    return {
        "invite-email": email,
        "invite-first_name": "Nina",
        "invite-last_name": "Ny",
        "invite-role": role,
        "invite-units": [unit.pk for unit in units],
    }


def test_only_those_who_manage_people_reach_the_page(people, period_2020_08, url, login):
    page = url("people", period_2020_08)
    for user in (people.admin, people.controller):
        assert login(user).get(page).status_code == 200
    for user in (people.lkdata_head, people.reader, people.head):
        assert login(user).get(page).status_code == 403
    assert login(people.outsider).get(page).status_code == 404
    invite = url("people_invite", period_2020_08)
    refused = login(people.lkdata_head).post(invite, invitation("nina@example.org"))
    assert refused.status_code == 403
    assert not get_user_model().objects.filter(email="nina@example.org").exists()


def test_an_invitation_creates_the_account_and_mails_a_link_to_choose_a_password(
    people, period_2020_08, url, login, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    controller = login(people.controller)
    with django_capture_on_commit_callbacks(execute=True):
        response = controller.post(
            url("people_invite", period_2020_08),
            invitation("Nina@Example.org", "unit_head", [people.lkdata]),
        )
    assert response.status_code == 302
    nina = get_user_model().objects.get(email="nina@example.org")
    assert not nina.has_usable_password()
    membership = Membership.objects.get(user=nina)
    assert membership.role == "unit_head" and list(membership.units.all()) == [people.lkdata]
    (message,) = mail.outbox
    assert message.to == ["nina@example.org"] and "Verksamhetsstöd och service" in message.subject
    link = re.search(r"http\S+/konto/losenord/\S+/", message.body).group(0)
    path = link.removeprefix(settings.SITE_URL)
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    # The site's own page, not the admin's of the same name.
    assert "Välj lösenord" in form_page.content.decode()
    assert "colM" not in form_page.content.decode()
    chosen = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"new_password1": "ett långt lösenord 42", "new_password2": "ett långt lösenord 42"},
    )
    assert chosen.status_code == 302
    signed_in = Client().post(
        reverse("login"), {"username": "nina@example.org", "password": "ett långt lösenord 42"}
    )
    assert signed_in.status_code == 302
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"access.person.invited", "access.membership.granted"} <= actions


def test_a_unit_head_needs_a_unit(people, period_2020_08, url, login):
    response = login(people.controller).post(
        url("people_invite", period_2020_08), invitation("nina@example.org", "unit_head")
    )
    assert response.status_code == 400 and "minst en verksamhet" in response.content.decode()


def test_only_an_administrator_gives_or_takes_the_administrator_role(
    people, period_2020_08, url, login
):
    invite = url("people_invite", period_2020_08)
    as_controller = login(people.controller).post(
        invite, invitation("nina@example.org", "administrator")
    )
    assert as_controller.status_code == 400
    assert not get_user_model().objects.filter(email="nina@example.org").exists()
    admin_membership = Membership.objects.get(user=people.admin)
    change = url("people_role", period_2020_08, admin_membership.pk)
    login(people.controller).post(change, {f"m{admin_membership.pk}-role": "reader"})
    assert Membership.objects.get(pk=admin_membership.pk).role == "administrator"
    assert login(people.admin).post(invite, invitation("nina@example.org", "administrator"))
    assert Membership.objects.get(user__email="nina@example.org").role == "administrator"


def test_a_role_changed_and_taken_is_logged(people, period_2020_08, url, login):
    membership = Membership.objects.get(user=people.reader)
    admin = login(people.admin)
    response = admin.post(
        url("people_role", period_2020_08, membership.pk),
        {f"m{membership.pk}-role": "unit_head", f"m{membership.pk}-units": [people.kontakt.pk]},
    )
    assert response.status_code == 302
    changed = Membership.objects.get(pk=membership.pk)
    assert changed.role == "unit_head" and list(changed.units.all()) == [people.kontakt]
    assert admin.post(url("people_remove", period_2020_08, membership.pk)).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    own = Membership.objects.get(user=people.admin)
    admin.post(url("people_remove", period_2020_08, own.pk))
    assert Membership.objects.filter(pk=own.pk).exists()  # nobody takes their own role
    granted, revoked = (
        AuditEntry.objects.filter(action=a).latest("id")
        for a in ("access.membership.granted", "access.membership.revoked")
    )
    assert granted.before["role"] == "reader" and granted.after["role"] == "unit_head"
    assert revoked.before["role"] == "unit_head" and revoked.actor == people.admin


def test_the_admin_saves_memberships_through_the_service(people, vss, client):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(superuser)
    newcomer = get_user_model().objects.create_user("newcomer")
    response = client.post(
        "/admin/access/membership/add/",
        {"user": newcomer.pk, "organisation": vss.pk, "role": "reader", "units": []},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=newcomer).role == "reader"
    entry = AuditEntry.objects.filter(action="access.membership.granted").latest("id")
    assert entry.actor == superuser and entry.after["user"] == "newcomer"

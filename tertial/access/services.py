"""Writes of who may do what: memberships and API tokens, each change in the change log."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tertial.access.models import PREFIX_LENGTH, TOKEN_MARKER, ApiToken, Membership, hash_token
from tertial.audit.log import record
from tertial.core.actors import person
from tertial.core.errors import Refused
from tertial.notifications.services import ALWAYS, notify
from tertial.organisation.models import Organisation, Unit


def _state(membership: Membership | None) -> dict | None:
    if membership is None:
        return None
    return {
        "user": membership.user.get_username(),
        "role": membership.role,
        "units": sorted(unit.code for unit in membership.units.all()),
    }


def grant_role(
    user, organisation: Organisation, role: str, units: Iterable[Unit] = (), *, actor
) -> Membership:
    """Give ``user`` the role ``role`` in ``organisation`` (replacing any role they had
    there); a unit head answers for ``units``."""
    role = Membership.Role(role)
    units = list(units)
    if any(unit.organisation_id != organisation.pk for unit in units):
        raise ValueError("a unit of another organisation")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation)
            .first()
        )
        before = _state(membership)
        membership = membership or Membership(user=user, organisation=organisation)
        membership.role = role
        membership.save()
        membership.units.set(units)
        record(
            "access.membership.granted",
            actor=actor,
            organisation=organisation,
            obj=membership,
            before=before,
            after=_state(membership),
        )
    return membership


def issue_token(organisation: Organisation, name: str, *, actor) -> tuple[ApiToken, str]:
    """Create a read-only API token for ``organisation``; returns it with its secret, which
    is stored only as a hash and can never be shown again. The token is the person's
    (``actor``): it works only while they are active and may read the organisation, so a
    person must have that right to create one."""
    creator = person(actor)
    if creator is not None and not (
        creator.is_active
        and (
            creator.is_superuser
            or Membership.objects.filter(user=creator, organisation=organisation).exists()
        )
    ):
        raise Refused(
            _("%(person)s har ingen roll i %(organisation)s och kan inte skapa en token där.")
            % {"person": creator.get_username(), "organisation": organisation.name}
        )
    secret = TOKEN_MARKER + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            token_hash=hash_token(secret),
            created_by=creator,
        )
        record(
            "access.token.issued",
            actor=actor,
            organisation=organisation,
            obj=token,
            after={"name": name, "prefix": token.prefix},
        )
    return token, secret


def revoke_token(token: ApiToken, *, actor) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            "access.token.revoked",
            actor=actor,
            organisation=token.organisation,
            obj=token,
            after={"revoked_at": token.revoked_at.isoformat()},
        )


def note_token_use(token: ApiToken, when: datetime.datetime) -> None:
    """Note that ``token`` was used at ``when``: a trace of a read, not a change anyone made,
    so it is not logged and leaves every cache version alone."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=when)
    token.last_used_at = when


def revoke_role(membership: Membership, *, actor) -> None:
    """Take a person's role in an organisation (the account stays, for its history)."""
    with transaction.atomic():
        record(
            "access.membership.revoked",
            actor=actor,
            organisation=membership.organisation,
            obj=membership,
            before=_state(membership),
        )
        membership.delete()


def invite(
    organisation: Organisation,
    email: str,
    *,
    first_name: str,
    last_name: str,
    role: str,
    units: Iterable[Unit] = (),
    actor,
):
    """Give the person with ``email`` a role in ``organisation``, creating their account
    (without a password, which they set from the invitation) if they have none; returns the
    account and whether it was created."""
    email = email.strip().lower()
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User(username=email, email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
        grant_role(user, organisation, role, units, actor=actor)
        record(
            "access.person.invited",
            actor=actor,
            organisation=organisation,
            obj=user,
            after={"email": email, "role": str(role), "created": created},
        )
        notify(
            [user],
            ALWAYS,
            "invitation",
            {
                "organisation": organisation,
                "role": Membership.Role(role).label,
                "invited_by": actor.get_full_name() or actor.get_username() if actor else "",
                "set_password_url": _set_password_url(user) if created else "",
            },
        )
    return user, created


def _set_password_url(user) -> str:
    """The link a new account's person chooses their password at (Django's reset link)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])

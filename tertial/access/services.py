"""Writes of who may do what: memberships, each change in the change log."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from tertial.access.models import Membership
from tertial.audit.log import record
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

"""What the pages read of who may do what."""

from __future__ import annotations

from tertial.access.models import Membership
from tertial.organisation.models import Organisation


def memberships_of(organisation: Organisation) -> list[Membership]:
    """The organisation's memberships with their people and units, by name."""
    return list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("units")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def membership_of(organisation: Organisation, pk: int) -> Membership | None:
    return (
        Membership.objects.filter(organisation=organisation, pk=pk)
        .select_related("user", "organisation")
        .first()
    )


def people_with_roles(organisation: Organisation, roles) -> list:
    """The active people with one of ``roles`` in ``organisation``."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role__in=list(roles), user__is_active=True
        ).select_related("user")
    ]


def heads_of(unit) -> list:
    """The active unit heads who answer for ``unit``."""
    return [
        m.user
        for m in Membership.objects.filter(
            units=unit, role=Membership.Role.UNIT_HEAD, user__is_active=True
        ).select_related("user")
    ]

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

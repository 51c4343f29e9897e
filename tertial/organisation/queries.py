"""What the pages read of organisations and their periods."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from tertial.organisation.models import Organisation, Period


def periods_by_organisation(organisations: QuerySet) -> dict[int, list[Period]]:
    """The periods of each of ``organisations``, by organisation id, oldest first."""
    periods: dict[int, list[Period]] = defaultdict(list)
    for period in Period.objects.filter(fiscal_year__organisation__in=organisations).select_related(
        "fiscal_year"
    ):
        periods[period.fiscal_year.organisation_id].append(period)
    return periods


def latest_period(organisation: Organisation) -> Period | None:
    return (
        Period.objects.filter(fiscal_year__organisation=organisation)
        .order_by("-fiscal_year__year", "-end_month")
        .first()
    )


def period_exists(slug: str, key: str) -> bool:
    """Whether the organisation ``slug`` has the period ``key``."""
    return Period.objects.filter(fiscal_year__organisation__slug=slug, key=key).exists()


def organisation_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def organisation_settings(slug: str) -> dict:
    """The settings of the organisation with ``slug``; empty when there is none."""
    found = Organisation.objects.filter(slug=slug).values_list("settings", flat=True).first()
    return found or {}


def locked_period_ends(organisation: Organisation) -> set[tuple[int, int]]:
    """(year, last month) of each of the organisation's periods that is approved or locked."""
    return {
        (period.year, period.end_month)
        for period in Period.objects.filter(fiscal_year__organisation=organisation).select_related(
            "fiscal_year"
        )
        if period.is_locked
    }


def locked_periods(organisation: Organisation) -> dict[str, Period]:
    """The organisation's periods that are approved or locked, by key."""
    periods = Period.objects.filter(fiscal_year__organisation=organisation).select_related(
        "fiscal_year"
    )
    return {period.key: period for period in periods if period.is_locked}


def status_stands(loaded: str, stored: str) -> bool:
    """Whether a period's stored status stands against one loaded from a file: a status is
    never moved back (an approved period does not become open again by a re-load)."""
    order = Period.Status.values
    return order.index(loaded) < order.index(stored)

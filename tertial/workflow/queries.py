"""What the pages read of the follow-up's states: the published reports."""

from __future__ import annotations

from django.db.models import QuerySet

from tertial.organisation.models import Organisation, Period
from tertial.workflow.models import ReportApproval


def published_periods(organisation: Organisation) -> QuerySet:
    """The organisation's periods whose report is published, newest first."""
    return (
        Period.objects.filter(
            fiscal_year__organisation=organisation,
            approval__state=ReportApproval.State.PUBLISHED,
        )
        .select_related("fiscal_year", "approval")
        .order_by("-fiscal_year__year", "-end_month")
    )


def organisations_with_published_reports() -> QuerySet:
    return Organisation.objects.filter(
        fiscal_years__periods__approval__state=ReportApproval.State.PUBLISHED
    ).distinct()

"""Who is told what as the follow-up moves: a notice when a unit is submitted (to those who
review it) or returned (to its heads), and when the report is approved (to everyone who
works on it); reminders before the deadlines, once each (``send_reminders``, run daily by
`tertial remind`). Sent through tertial.notifications, to people who have not turned them off.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tertial.access import queries as people
from tertial.access.models import Membership
from tertial.notifications.services import NOTICES, REMINDERS, notify
from tertial.organisation.models import Period, Unit

Role = Membership.Role
REVIEWERS = (Role.ADMINISTRATOR, Role.CONTROLLER)
WORKERS = (Role.ADMINISTRATOR, Role.CONTROLLER, Role.HEAD, Role.UNIT_HEAD)


def _name(actor) -> str:
    return (actor.get_full_name() or actor.get_username()) if actor else "tertial"


def _unit_url(unit: Unit, period: Period) -> str:
    return reverse("unit", args=[period.organisation.slug, period.key, unit.pk])


def unit_submitted(unit: Unit, period: Period, actor) -> None:
    notify(
        people.people_with_roles(period.organisation, REVIEWERS),
        NOTICES,
        "unit_submitted",
        {"unit": unit, "period": period, "actor": _name(actor), "url": _unit_url(unit, period)},
    )


def unit_returned(unit: Unit, period: Period, actor, comment: str) -> None:
    notify(
        people.heads_of(unit),
        NOTICES,
        "unit_returned",
        {
            "unit": unit,
            "period": period,
            "actor": _name(actor),
            "comment": comment,
            "url": _unit_url(unit, period),
        },
    )


def unit_changed_after_approval(unit: Unit, period: Period, actor) -> None:
    notify(
        people.heads_of(unit),
        NOTICES,
        "unit_changed",
        {"unit": unit, "period": period, "actor": _name(actor), "url": _unit_url(unit, period)},
    )


def report_approved(period: Period, actor) -> None:
    organisation = period.organisation
    notify(
        people.people_with_roles(organisation, WORKERS),
        NOTICES,
        "report_approved",
        {
            "period": period,
            "organisation": organisation,
            "actor": _name(actor),
            "url": reverse("report", args=[organisation.slug, period.key]),
        },
    )


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind the heads of every unit not yet handed in, and the heads of administration of
    every report not yet approved, when a deadline is within ``REMINDER_DAYS`` days; each
    reminder once per person, deadline and unit. Returns how many were queued."""
    from tertial.workflow.services import approval_for, unit_statuses

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REMINDER_DAYS)
    sent = 0
    periods = Period.objects.exclude(status__in=[Period.Status.APPROVED, Period.Status.LOCKED])
    for period in periods.select_related("fiscal_year__organisation"):
        if period.deadline and today <= period.deadline <= horizon:
            for status in unit_statuses(period, today):
                if status.submission.state not in {"draft", "returned"}:
                    continue
                sent += notify(
                    people.heads_of(status.unit),
                    REMINDERS,
                    "reminder_unit",
                    {
                        "unit": status.unit,
                        "period": period,
                        "deadline": period.deadline,
                        "url": _unit_url(status.unit, period),
                    },
                    key=f"reminder:unit:{period.pk}:{status.unit.pk}:{period.deadline}",
                )
        approval = approval_for(period)
        deadline = approval.report_deadline
        if deadline and today <= deadline <= horizon and approval.state == "draft":
            organisation = period.organisation
            sent += notify(
                people.people_with_roles(organisation, (Role.HEAD,)),
                REMINDERS,
                "reminder_report",
                {
                    "period": period,
                    "deadline": deadline,
                    "url": reverse("report", args=[organisation.slug, period.key]),
                },
                key=f"reminder:report:{period.pk}:{deadline}",
            )
    return sent

"""Writes of the organisation's tables, and the one rule of a locked period."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tertial.core.errors import PeriodLocked
from tertial.organisation.models import Period


def ensure_open(period: Period) -> None:
    """Refuse any change of a period's data once its report is approved or locked.

    The one rule: every service that writes a period's data asks it, and the pages ask
    ``period.is_locked`` to leave out the forms it would refuse.
    """
    if period.is_locked:
        raise PeriodLocked(
            _("Perioden %(period)s är låst: rapporten är godkänd och inget i perioden kan ändras.")
            % {"period": period.key}
        )

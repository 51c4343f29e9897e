"""An indicator's row on the unit and goal pages: values over three years, target and status."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tertial.core.months import months_to
from tertial.goals.models import Indicator, IndicatorTarget, IndicatorValue
from tertial.goals.services import genders_of
from tertial.goals.statuses import settings_for, value_status
from tertial.organisation.models import Period


@dataclass
class IndicatorRow:
    indicator: Indicator
    level: int
    # (label, value or None) oldest first: two full years before, then the period itself.
    series: list[tuple[str, Decimal | None]] = field(default_factory=list)
    current: IndicatorValue | None = None
    target: IndicatorTarget | None = None
    status: str | None = None  # met, partly_met, not_met, no_data; None without target
    # The period's value rows by gender (T; and K, M for a split indicator), None if missing.
    current_by_gender: dict[str, IndicatorValue | None] = field(default_factory=dict)


def indicator_rows(period: Period, indicators: list[Indicator]) -> list[IndicatorRow]:
    """A row per indicator, in the order given; a part of a split indicator listed after
    its parent is indented."""
    if not indicators:
        return []  # a unit without indicators of its own: nothing to read (0.3 ms)
    ids = [indicator.pk for indicator in indicators]
    year, month = period.year, period.end_month
    values = IndicatorValue.objects.filter(
        indicator_id__in=ids,
        year__in=[year - 2, year - 1, year],
        kind=IndicatorValue.Kind.ACTUAL,
    )
    by_key = {}
    by_gender: dict[int, dict[str, IndicatorValue]] = {}
    for v in values:
        if v.gender == IndicatorValue.Gender.TOTAL:
            by_key[(v.indicator_id, v.year, v.through_month)] = v
        if v.year == year and v.through_month == month:
            by_gender.setdefault(v.indicator_id, {})[v.gender] = v
    targets = {
        t.indicator_id: t for t in IndicatorTarget.objects.filter(indicator_id__in=ids, year=year)
    }
    settings = settings_for(period.fiscal_year.organisation)
    listed = set(ids)
    rows = []
    for indicator in indicators:
        current = by_key.get((indicator.pk, year, month))
        series = []
        for earlier_year in (year - 2, year - 1):
            earlier = by_key.get((indicator.pk, earlier_year, 12))
            series.append((str(earlier_year), earlier.value if earlier else None))
        series.append(
            (months_to(period.end_month, period.year), current.value if current else None)
        )
        target = targets.get(indicator.pk)
        status = value_status(
            indicator,
            current.value if current else None,
            target,
            settings,
            through_month=month,
        )
        level = 1 if indicator.parent_id in listed else 0
        genders = by_gender.get(indicator.pk, {})
        current_by_gender = {gender: genders.get(gender) for gender in genders_of(indicator)}
        rows.append(
            IndicatorRow(indicator, level, series, current, target, status, current_by_gender)
        )
    return rows

"""Importing indicator values from a CSV file in the indicator_values.csv format.

The format is the organisation folder's (docs/input-format.md): columns indicator, period
(YYYY or YYYY-MM), kind, gender, value, note, source. Every row is checked before anything is
stored; all errors are reported together, each naming its line and column.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from tertial.core.errors import InputError, InputErrors
from tertial.core.evaluation import split_unit, validate_value
from tertial.core.numbers import NumberFormatError, parse_decimal
from tertial.goals import services
from tertial.goals.models import Indicator, IndicatorValue
from tertial.ingest.folder.fields import MISSING_TEXTS
from tertial.ingest.folder.reading import FileError, decode, parse_csv
from tertial.organisation.models import Organisation, Period

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def read_indicator_values(
    organisation: Organisation, text: str, file: str
) -> list[services.ValueRow]:
    """The rows of the file, validated; InputErrors with every problem found."""
    errors: list[InputError] = []
    table = parse_csv(
        text,
        file,
        errors,
        required=("indicator", "period", "value"),
        optional=("kind", "gender", "note", "source"),
    )
    if table is None:
        raise InputErrors(errors)
    indicators = {i.code: i for i in Indicator.objects.filter(organisation=organisation)}
    locked = {
        (year, month)
        for year, month, status in Period.objects.filter(
            fiscal_year__organisation=organisation
        ).values_list("fiscal_year__year", "end_month", "status")
        if status in {Period.Status.APPROVED, Period.Status.LOCKED}
    }
    rows: list[services.ValueRow] = []
    seen: dict[tuple, int] = {}
    for row in table.rows:
        line = row.line

        def error(column: str, message: str, line: int = line) -> None:
            errors.append(InputError(file, line, column, message))

        code = row.get("indicator")
        indicator = indicators.get(code)
        if indicator is None:
            error("indicator", f"unknown indicator {code!r}")
            continue
        if indicator.formula:
            error("indicator", f"{code} is computed by its formula {indicator.formula!r}")
            continue
        match = _PERIOD.match(row.get("period"))
        if not match:
            error("period", f"{row.get('period')!r} is not a period; write YYYY or YYYY-MM")
            continue
        year, month = int(match[1]), int(match[2] or 12)
        if not 1900 < year < 2100 or not 1 <= month <= 12:
            error("period", f"{row.get('period')!r} is not a period")
            continue
        if (year, month) in locked:
            error("period", f"the period {year}-{month:02d} is locked")
            continue
        kind = (row.get("kind") or IndicatorValue.Kind.ACTUAL).lower()
        if kind not in IndicatorValue.Kind.values:
            error("kind", f"{kind!r}: use actual, forecast or plan")
            continue
        gender = (row.get("gender") or IndicatorValue.Gender.TOTAL).upper()
        if gender not in IndicatorValue.Gender.values:
            error("gender", f"{gender!r}: use T, K or M")
            continue
        value = _value(indicator, row.get("value"), error)
        if value is False:
            continue
        key = (code, year, month, kind, gender)
        if key in seen:
            error("value", f"a second value for {code} {row.get('period')} (line {seen[key]})")
            continue
        seen[key] = line
        rows.append(
            services.ValueRow(
                indicator, year, month, kind, gender, value, row.get("note"), row.get("source")
            )
        )
    if errors:
        raise InputErrors(errors)
    return rows


def _value(indicator: Indicator, text: str, error) -> Decimal | None | bool:
    """The value of a cell; False (after reporting the error) when it cannot be one."""
    if text.strip().lower() in MISSING_TEXTS:
        return None
    number, unit_problem = split_unit(indicator.measure, text)
    if unit_problem:
        error("value", unit_problem)
        return False
    try:
        value = parse_decimal(number)
    except NumberFormatError as exc:
        error("value", str(exc))
        return False
    problem = validate_value(indicator.measure, value)
    if problem:
        error("value", f"{indicator.code}: {problem}")
        return False
    return value


def import_indicator_file(organisation: Organisation, path: Path, *, actor=None) -> dict[str, int]:
    """Read, validate and store a file of indicator values (all or nothing)."""
    try:
        text = decode(path.read_bytes(), path.name)
    except FileError as exc:
        raise InputErrors([exc.error]) from exc
    rows = read_indicator_values(organisation, text, path.name)
    return services.store_values(
        organisation,
        rows,
        actor=actor,
        action="goals.indicator_values.imported",
        reason=path.name,
    )

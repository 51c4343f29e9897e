"""Indicator values from a CSV file in the indicator_values.csv format (docs/input-format.md).

One reader for the organisation folder's indicator_values.csv and ``tertial import
indicators``: columns indicator, period (YYYY or YYYY-MM), kind, gender, value, missing, note,
source; kind and gender in any case; every row checked against the indicators it names
(their measure, and that a computed one takes no values), each problem reported with its
line and column, all of them at once. ``import_indicator_file`` stores a file's values
through the goals services, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from django.utils.translation import gettext as _

from tertial.core import evaluation
from tertial.core.errors import InputError, InputErrors
from tertial.core.numbers import VALUE_DIGITS
from tertial.goals import services
from tertial.ingest.folder.fields import number_at, parse_period_key
from tertial.ingest.folder.reading import FileError, decode, parse_csv
from tertial.organisation.queries import locked_period_ends
from tertial.platform.i18n import translated

REQUIRED = ("indicator", "period", "value")
OPTIONAL = ("kind", "gender", "missing", "note", "source")
KINDS = ("actual", "forecast", "plan")
GENDERS = ("T", "K", "M")
# How a missing value is written (in lower case); or empty, with the column missing set.
MISSING_TEXTS = {"", "i.u.", "iu", "i.u", "n/a", "na"}
MISSING_FLAGS = {"1", "x", "yes", "ja", "true"}
# The longest note and source an indicator value keeps.
TEXT_LENGTH = 200


class Indicator(Protocol):
    """What a value is checked against: a goals.yaml entry or an Indicator alike."""

    measure: str
    formula: str


@dataclass
class IndicatorValueData:
    indicator: str
    year: int
    through_month: int
    kind: str
    gender: str
    value: Decimal | None
    note: str
    source: str


def read_indicator_values(
    text: str,
    file: str,
    indicators: dict[str, Indicator],
    errors: list[InputError],
    *,
    locked: set[tuple[int, int]] = frozenset(),  # noqa: B006 - never changed
) -> list[IndicatorValueData]:
    """The values of the file, each checked against ``indicators`` (by code); every problem
    appended to ``errors``. A value of a period in ``locked`` (year, through month) is one."""
    table = parse_csv(text, file, errors, required=REQUIRED, optional=OPTIONAL)
    if table is None:
        return []
    values: list[IndicatorValueData] = []
    seen: dict[tuple, int] = {}
    for row in table.rows:

        def error(column: str, message: str, line: int = row.line) -> None:
            errors.append(InputError(file, line, column, message))

        errors_before = len(errors)
        code = row.get("indicator")
        indicator = indicators.get(code)
        if indicator is None:
            error("indicator", _("okänd indikator %(code)s") % {"code": repr(code)})
        period = _period(row.get("period"))
        if period is None:
            error(
                "period",
                _("%(value)s är inget år ÅÅÅÅ eller någon period ÅÅÅÅ-MM mellan 1901 och 2099")
                % {"value": repr(row.get("period"))},
            )
        elif period in locked:
            error(
                "period",
                _("perioden %(year)s-%(month)s är låst")
                % {"year": period[0], "month": format(period[1], "02d")},
            )
        kind = (row.get("kind") or "actual").lower()
        if kind not in KINDS:
            error(
                "kind",
                _("%(kind)s är inte något av %(value)s")
                % {"kind": repr(kind), "value": ", ".join(KINDS)},
            )
        gender = (row.get("gender") or "T").upper()
        if gender not in GENDERS:
            error(
                "gender",
                _("%(gender)s är inte något av %(value)s")
                % {"gender": repr(gender), "value": ", ".join(GENDERS)},
            )
        value = _value(row.get("value"), row.get("missing"), indicator, file, row.line, errors)
        for column in ("note", "source"):
            if len(row.get(column)) > TEXT_LENGTH:
                error(column, _("längre än %(max)s tecken") % {"max": TEXT_LENGTH})
        if len(errors) > errors_before:
            continue
        key = (code, *period, kind, gender)
        if key in seen:
            error(
                "indicator",
                _(
                    "ett andra värde för %(code)s %(period)s %(kind)s %(gender)s (först på rad "
                    "%(seen)s)"
                )
                % {
                    "code": code,
                    "period": row.get("period"),
                    "kind": kind,
                    "gender": gender,
                    "seen": seen[key],
                },
            )
            continue
        seen[key] = row.line
        values.append(
            IndicatorValueData(
                code,
                *period,
                kind,
                gender,
                value,
                row.get("note"),
                # Without a source of its own, a value is traced to the line it came from.
                row.get("source") or f"{file}:{row.line}"[-TEXT_LENGTH:],
            )
        )
    return values


def _period(text: str) -> tuple[int, int] | None:
    """(year, through month) of a value's period: YYYY is the whole year."""
    if len(text) == 4 and text.isdigit():
        year, month = int(text), 12
    else:
        parsed = parse_period_key(text)
        if parsed is None:
            return None
        year, month = parsed
    return (year, month) if 1900 < year < 2100 else None


def _value(
    text: str, missing: str, indicator: Indicator | None, file: str, line: int, errors: list
) -> Decimal | None:
    """The value of a row (None: no data); None too after an error, which is appended."""
    value = None
    if text.lower() not in MISSING_TEXTS:
        if missing.lower() in MISSING_FLAGS:
            errors.append(InputError(file, line, "value", _("ett värde anges men missing är satt")))
        # a value may carry its measure's unit, as Excel saves a percentage: "91%"
        number, problem = evaluation.split_unit(indicator.measure if indicator else "", text)
        if problem and indicator:
            errors.append(InputError(file, line, "value", translated(problem)))
        else:
            value = number_at(number, file, line, "value", errors, digits=VALUE_DIGITS)
    if indicator is None:
        return value
    if indicator.formula:
        # as in the goals engine: a computed indicator's values come from its formula
        errors.append(
            InputError(
                file,
                line,
                "value",
                _("indikatorn beräknas med sin formel %(formula)s; dess värden kan inte anges")
                % {"formula": repr(indicator.formula)},
            )
        )
    else:
        problem = evaluation.validate_value(indicator.measure, value)
        if problem:
            errors.append(InputError(file, line, "value", translated(problem)))
    return value


def import_indicator_file(organisation, path: Path, *, actor=None) -> dict[str, int]:
    """Read, check and store a file of indicator values, all or nothing; the counts of
    values created and updated."""
    errors: list[InputError] = []
    try:
        text = decode(path.read_bytes(), path.name, errors)
    except FileError as exc:
        raise InputErrors([exc.error]) from exc
    indicators = services.indicators_by_code(organisation)
    values = read_indicator_values(
        text, path.name, indicators, errors, locked=locked_period_ends(organisation)
    )
    if errors:
        raise InputErrors(errors)
    return services.store_values(
        organisation,
        [
            services.ValueRow(
                indicators[v.indicator],
                v.year,
                v.through_month,
                v.kind,
                v.gender,
                v.value,
                v.note,
                v.source,
            )
            for v in values
        ],
        actor=actor,
        action="goals.indicator_values.imported",
        reason=path.name,
    )

"""Per-organisation conventions of the economy tables, all in one place.

Organisations differ in how they print a deviation (avvikelse): the reference subtracts the
budget from the actual, others subtract the actual from the budget. Each table's formula is a
setting here, with the reference's choice as default, and every table states its formula in a
note beside the column heading ("Avvikelse = redovisat − budget"), so a reader never has to
guess the sign.

``conventions_from_settings(Organisation.settings)`` reads the settings dict. The keys:

``operating_deviation``  (default ``"actual - budget"``)
    The Driftsammandrag's deviation: actual to date against budget to date.
``forecast_deviation``  (default ``"forecast - budget"``)
    The full-year forecast table's and the economy summary's deviation of the net result.
``of_which_deviation``  (default ``"forecast - budget"``)
    The deviation of the "varav kostnader" and "varav intäkter" rows. Both rows are gross
    amounts, both positive, so with this formula more costs than budgeted shows as a positive
    deviation on the cost row; an organisation may prefer ``"budget - forecast"``.
``investment_deviation``  (default ``"forecast - frame"``)
    The investment table's deviation: forecast net investment against the frame.
``forecast_comment_threshold_kr``  (default ``500000``)
    A unit whose forecast deviates from its budget by more than this many kronor (either
    way) must comment on its forecast.

Other parts read their own keys from the same dict and validate them themselves; they are
listed in ``OTHER_PARTS_KEYS`` so that any key no part knows is refused, and a misspelt key
never silently falls back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tertial.core.economy import deviation
from tertial.core.messages import Text, _

MINUS = "\u2212"

# The Swedish word each term is printed as in a formula note (the report's default language).
TERM_LABELS = {
    "actual": "redovisat",
    "budget": "budget",
    "forecast": "prognos",
    "frame": "investeringsram",
}

# For each deviation, the two terms it may subtract (in either order).
_FORMULA_TERMS = {
    "operating_deviation": ("actual", "budget"),
    "forecast_deviation": ("forecast", "budget"),
    "of_which_deviation": ("forecast", "budget"),
    "investment_deviation": ("forecast", "frame"),
}

# Settings keys that other parts read and validate, and where.
OTHER_PARTS_KEYS = {
    "partly_met_threshold": "tertial.core.evaluation",
    "zero_result_tolerance": "tertial.core.evaluation",
    "assessment_rule": "tertial.core.evaluation",
    "kolada_municipality": "tertial.ingest.kolada",
    "kolada_ou": "tertial.ingest.kolada",
    "kolada_compare": "tertial.goals.tables",
    "record_retention_months": "tertial.records.services",
    "report": "tertial.reports.definition",
    "word_template": "tertial.reports.services",
    "browser_language": "tertial.web.language",
}


class ConventionsError(ValueError):
    pass


@dataclass(frozen=True)
class DeviationFormula:
    """``minuend − subtrahend``, each a term: ``actual``, ``budget``, ``forecast``, ``frame``."""

    minuend: str
    subtrahend: str

    def apply(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """The deviation from the terms' values; a missing term counts as zero, both as None."""
        return deviation(values.get(self.minuend), values.get(self.subtrahend))

    @property
    def text(self) -> str:
        return f"{self.minuend} - {self.subtrahend}"

    def note(self, labels: Mapping[str, str] | None = None, heading: str = "Avvikelse") -> str:
        """The heading note, "Avvikelse = redovisat − budget"; ``labels`` and ``heading``
        translate its words."""
        words = {**TERM_LABELS, **(labels or {})}
        return f"{heading} = {words[self.minuend]} {MINUS} {words[self.subtrahend]}"


@dataclass(frozen=True)
class Conventions:
    operating_deviation: DeviationFormula = DeviationFormula("actual", "budget")
    forecast_deviation: DeviationFormula = DeviationFormula("forecast", "budget")
    of_which_deviation: DeviationFormula = DeviationFormula("forecast", "budget")
    investment_deviation: DeviationFormula = DeviationFormula("forecast", "frame")
    forecast_comment_threshold_kr: Decimal = Decimal("500000")


def parse_formula(key: str, text: Any) -> DeviationFormula:
    allowed = _FORMULA_TERMS[key]
    choices = f'"{allowed[0]} - {allowed[1]}", "{allowed[1]} - {allowed[0]}"'
    if not isinstance(text, str):
        raise ConventionsError(
            Text(
                _("settings.%(key)s: skriv formeln som text, %(choices)s"), key=key, choices=choices
            )
        )
    parts = [p.strip() for p in text.replace(MINUS, "-").split("-")]
    if len(parts) != 2 or set(parts) != set(allowed):
        raise ConventionsError(
            Text(
                _("settings.%(key)s: %(text)s är ingen formel här; använd %(choices)s"),
                key=key,
                text=repr(text),
                choices=choices,
            )
        )
    return DeviationFormula(parts[0], parts[1])


def _not_a_number(key: str, value: Any) -> Text:
    return Text(_("settings.%(key)s: %(value)s är inget tal"), key=key, value=repr(value))


def setting_decimal(key: str, value: Any, error: type[ValueError] = ConventionsError) -> Decimal:
    """A number of the organisation's settings; ``error`` names ``settings.<key>`` if it is none."""
    # a float from YAML (0.8) is read through its shortest text, which is what was written
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise error(_not_a_number(key, value))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise error(_not_a_number(key, value)) from exc
    if not number.is_finite():
        raise error(_not_a_number(key, value))
    return number


def conventions_from_settings(settings: Mapping[str, Any] | None) -> Conventions:
    """The organisation's conventions: defaults, overridden by the keys present in ``settings``."""
    settings = settings or {}
    known = set(_FORMULA_TERMS) | {"forecast_comment_threshold_kr"} | set(OTHER_PARTS_KEYS)
    unknown = sorted(str(k) for k in set(settings) - known)
    if unknown:
        raise ConventionsError(
            Text(
                _("okända inställningar %(unknown)s; de kända är %(known)s"),
                unknown=", ".join(unknown),
                known=", ".join(sorted(known)),
            )
        )
    values: dict[str, Any] = {}
    for key in _FORMULA_TERMS:
        if key in settings:
            values[key] = parse_formula(key, settings[key])
    if "forecast_comment_threshold_kr" in settings:
        threshold = setting_decimal(
            "forecast_comment_threshold_kr", settings["forecast_comment_threshold_kr"]
        )
        if threshold < 0:
            raise ConventionsError(
                Text(_("settings.forecast_comment_threshold_kr får inte vara negativ"))
            )
        values["forecast_comment_threshold_kr"] = threshold
    return Conventions(**values)

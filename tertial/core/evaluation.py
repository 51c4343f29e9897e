"""How a value is judged against its target, and how a board goal's assessment is proposed.

Plain Python, shared by the goals engine, the web forms, the importers and the report, so that
every part gives the same status to the same figure. docs/goals-and-indicators.md states the
rules in prose; the organisation settings read here are documented there too.

Statuses of an indicator value: ``met``, ``partly_met``, ``not_met``, ``no_data``. A missing
value is ``no_data``, never judged as if it were 0.

The "partly met" band is given by a threshold, a share of the target (default 0.8):

- higher is better (at least, above): met when the value reaches the target, partly met when
  it falls short by at most (1 − threshold) of the target's size: for a positive target that is
  ``value ≥ threshold × target``;
- lower is better (at most, below): the mirror, met when the value stays within the target,
  partly met when it exceeds it by at most (1/threshold − 1) of the target's size: for a
  positive target that is ``value ≤ target / threshold``;
- equal within a tolerance: met when ``|value − target| ≤ tolerance``, partly met when
  ``|value − target| ≤ tolerance / threshold``;
- a zero result (Nollresultat): met when the result shows no deficit beyond the tolerance
  (``value ≥ −tolerance``), partly met when the deficit is at most tolerance / threshold. A
  surplus meets it: the target of a revenue-financed administration is to keep its economy in
  balance, and a surplus is returned to its customers through next year's prices. An
  organisation that wants a band on both sides writes the target as "0 ± 500".

An indicator that accumulates over the year (cases, visits) is judged, for a period shorter
than the year, against the pro-rated target (``pro_rated``: 8/12 of it in August).

Measuring the band by the target's size (not by multiplying) keeps the rule sensible for
negative and zero targets, where "80 % of the target" would lie on the wrong side of it.

The proposal for a board goal counts the statuses of its indicators (no_data ignored): ``met``
when the share of met indicators reaches ``met_share``, ``not_met`` when the share of not-met
indicators reaches ``not_met_share``, otherwise ``partly_met``; ``not_assessable`` when no
indicator could be judged. It is a proposal: the assessment is a person's judgement, which also
weighs activities and other results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tertial.core.conventions import setting_decimal
from tertial.core.messages import Text, _
from tertial.core.numbers import EXACT_DIGITS, VALUE_DIGITS, storage_problem
from tertial.core.targets import ABOVE, AT_LEAST, AT_MOST, BELOW, EQUAL, is_zero_result

MET, PARTLY_MET, NOT_MET, NO_DATA = "met", "partly_met", "not_met", "no_data"
STATUSES = (MET, PARTLY_MET, NOT_MET, NO_DATA)
NOT_ASSESSABLE = "not_assessable"
ASSESSMENTS = (MET, PARTLY_MET, NOT_MET, NOT_ASSESSABLE)

PERCENT, COUNT, INDEX, KSEK, SECONDS, SCORE, RATIO = (
    "percent",
    "count",
    "index",
    "ksek",
    "seconds",
    "score",
    "ratio",
)
MEASURES = (PERCENT, COUNT, INDEX, KSEK, SECONDS, SCORE, RATIO)

ZERO = Decimal(0)
ONE = Decimal(1)


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    """What a value is judged against: a comparator, a value and, for EQUAL, a tolerance."""

    comparator: str
    value: Decimal
    tolerance: Decimal | None = None
    zero_result: bool = False

    @classmethod
    def from_parts(
        cls, text: str, comparator: str, value: Decimal, tolerance: Decimal | None = None
    ) -> Target:
        """A target as stored (IndicatorTarget's text, comparator, value, tolerance)."""
        return cls(comparator, Decimal(value), tolerance, is_zero_result(text or ""))


@dataclass(frozen=True)
class AssessmentRule:
    met_share: Decimal = Decimal("0.75")
    not_met_share: Decimal = Decimal("0.5")


@dataclass(frozen=True)
class GoalSettings:
    """The organisation's settings for judging indicators and proposing assessments."""

    partly_met_threshold: Decimal = Decimal("0.8")
    zero_result_tolerance: Decimal = ZERO
    assessment_rule: AssessmentRule = AssessmentRule()


def _decimal(key: str, value: Any) -> Decimal:
    return setting_decimal(key, value, SettingsError)


def check_threshold(value: Any, key: str = "partly_met_threshold") -> Decimal:
    threshold = _decimal(key, value)
    if not ZERO < threshold < ONE:
        raise SettingsError(
            Text(
                _("settings.%(key)s ska vara mellan 0 och 1, t.ex. 0.8 (inte %(value)s)"),
                key=key,
                value=repr(value),
            )
        )
    return threshold


def goal_settings(settings: Mapping[str, Any] | None) -> GoalSettings:
    """The goal settings from Organisation.settings; other keys belong to other parts."""
    settings = settings or {}
    values: dict[str, Any] = {}
    if settings.get("partly_met_threshold") is not None:
        values["partly_met_threshold"] = check_threshold(settings["partly_met_threshold"])
    if settings.get("zero_result_tolerance") is not None:
        tolerance = _decimal("zero_result_tolerance", settings["zero_result_tolerance"])
        if tolerance < 0:
            raise SettingsError(Text(_("settings.zero_result_tolerance får inte vara negativ")))
        values["zero_result_tolerance"] = tolerance
    rule = settings.get("assessment_rule")
    if rule is not None:
        values["assessment_rule"] = assessment_rule(rule)
    return GoalSettings(**values)


def assessment_rule(rule: Any) -> AssessmentRule:
    if not isinstance(rule, Mapping):
        raise SettingsError(
            Text(_("settings.assessment_rule: skriv den som {met_share: 0.75, not_met_share: 0.5}"))
        )
    unknown = sorted(set(rule) - {"met_share", "not_met_share"})
    if unknown:
        raise SettingsError(
            Text(
                _(
                    "settings.assessment_rule: okända nycklar %(keys)s; använd met_share och "
                    "not_met_share"
                ),
                keys=", ".join(map(str, unknown)),
            )
        )
    shares = {}
    for key in ("met_share", "not_met_share"):
        if key in rule:
            share = _decimal(f"assessment_rule.{key}", rule[key])
            if not ZERO < share <= ONE:
                raise SettingsError(
                    Text(_("settings.assessment_rule.%(key)s ska vara över 0 och högst 1"), key=key)
                )
            shares[key] = share
    result = AssessmentRule(**shares)
    # Otherwise one set of statuses could both reach met_share and not_met_share.
    if result.met_share + result.not_met_share <= ONE:
        raise SettingsError(
            Text(_("settings.assessment_rule: met_share + not_met_share ska vara mer än 1"))
        )
    return result


def pro_rated(target: Target, through_month: int) -> Target:
    """The share of a full-year target that a year-to-date value of a growing count should
    have reached after ``through_month`` months; equal and zero-result targets are kept."""
    if through_month == 12 or target.comparator == EQUAL:
        return target
    if not 1 <= through_month <= 12:
        raise ValueError(f"through_month must be 1–12, not {through_month}")
    return Target(target.comparator, target.value * through_month / 12, target.tolerance)


def status(
    value: Decimal | None,
    target: Target | None,
    *,
    threshold: Decimal = Decimal("0.8"),
    zero_result_tolerance: Decimal = ZERO,
) -> str | None:
    """The status of ``value`` against ``target``; None when there is no target to judge by."""
    if target is None:
        return None
    if value is None:
        return NO_DATA
    threshold = check_threshold(threshold)
    t = target.value
    size = abs(t)
    if target.comparator == EQUAL:
        if target.zero_result and target.tolerance is None:
            shortfall = max(ZERO, (t - zero_result_tolerance) - value)
            return (
                MET
                if shortfall == 0
                else _partly_if(shortfall <= zero_result_tolerance * (1 / threshold - 1))
            )
        tolerance = target.tolerance or ZERO
        deviation = abs(value - t)
        if deviation <= tolerance:
            return MET
        return _partly_if(deviation <= tolerance / threshold)
    if target.comparator in (AT_LEAST, ABOVE):
        reached = value >= t if target.comparator == AT_LEAST else value > t
        if reached:
            return MET
        return _partly_if(value >= t - (1 - threshold) * size)
    if target.comparator in (AT_MOST, BELOW):
        reached = value <= t if target.comparator == AT_MOST else value < t
        if reached:
            return MET
        return _partly_if(value <= t + (1 / threshold - 1) * size)
    raise ValueError(f"unknown comparator {target.comparator!r}")


def _partly_if(condition: bool) -> str:
    return PARTLY_MET if condition else NOT_MET


def propose(statuses: Iterable[str | None], rule: AssessmentRule = AssessmentRule()) -> str:
    """The proposed assessment of a board goal from its indicators' statuses."""
    judged = [s for s in statuses if s in (MET, PARTLY_MET, NOT_MET)]
    if not judged:
        return NOT_ASSESSABLE
    n = Decimal(len(judged))
    if judged.count(MET) / n >= rule.met_share:
        return MET
    if judged.count(NOT_MET) / n >= rule.not_met_share:
        return NOT_MET
    return PARTLY_MET


_RANGE_RULES = {
    PERCENT: (ZERO, Decimal(100), Text(_("en andel i procent ligger mellan 0 och 100"))),
    COUNT: (ZERO, None, Text(_("ett antal kan inte vara negativt"))),
    SECONDS: (ZERO, None, Text(_("en tid i sekunder kan inte vara negativ"))),
    SCORE: (ZERO, None, Text(_("ett betyg kan inte vara negativt"))),
    INDEX: (ZERO, None, Text(_("ett index kan inte vara negativt"))),
    RATIO: (ZERO, None, Text(_("en kvot kan inte vara negativ"))),
}

# The unit a person may write after a value, per measure ("91 %", "8 486 tkr", "45 s").
UNIT_SUFFIXES = {
    PERCENT: ("%",),
    KSEK: ("tkr",),
    SECONDS: ("s", "sek", "sekunder"),
}


def validate_value(measure: str, value: Decimal | None) -> str | None:
    """Why ``value`` cannot be a value of an indicator measured in ``measure``; None if it can.

    A missing value (None) is always allowed: it is no data, shown as "I.U.".
    """
    if measure not in MEASURES:
        return Text(
            _("okänd måttenhet %(measure)s; använd en av %(measures)s"),
            measure=repr(measure),
            measures=", ".join(MEASURES),
        )
    if value is None:
        return None
    if not Decimal(value).is_finite():
        return Text(_("%(value)s är inget tal"), value=value)
    if storage_problem(value, VALUE_DIGITS):
        return Text(
            _(
                "%(value)s kan inte lagras exakt: högst %(decimals)s decimaler och "
                "%(digits)s siffror"
            ),
            value=_plain(value),
            decimals=VALUE_DIGITS[1],
            digits=EXACT_DIGITS,
        )
    rule = _RANGE_RULES.get(measure)
    if rule is None:
        return None
    low, high, reason = rule
    if value < low or (high is not None and value > high):
        return Text(_("%(value)s är inte möjligt: %(reason)s"), value=_plain(value), reason=reason)
    if measure == COUNT and value != value.to_integral_value():
        return Text(_("%(value)s är inte möjligt: ett antal är ett heltal"), value=_plain(value))
    return None


def split_unit(measure: str, text: str) -> tuple[str, str | None]:
    """Split a value as typed into its number and the unit written after it, if any.

    Returns (number text, error): the error names a unit that does not fit the measure
    ("91 %" for a count, "8 486 tkr" for a percentage).
    """
    s = text.strip()
    lowered = s.lower()
    for suffixes_measure, suffixes in UNIT_SUFFIXES.items():
        for suffix in sorted(suffixes, key=len, reverse=True):
            if lowered.endswith(suffix) and (
                suffix == "%" or len(s) == len(suffix) or not s[-len(suffix) - 1].isalpha()
            ):
                number = s[: -len(suffix)].strip()
                if suffixes_measure != measure:
                    return number, Text(
                        _("%(text)s är skrivet i %(suffix)s, men indikatorn mäts i %(measure)s"),
                        text=repr(text.strip()),
                        suffix=repr(suffix),
                        measure=measure,
                    )
                return number, None
    return s, None


def _plain(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")

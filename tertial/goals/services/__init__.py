"""Writes of goals and indicators: assessments, indicator values (typed, imported, from
Kolada, computed by formulas); carrying goals over to the next year is in ``carry_over`` and
what an organisation folder defines in ``structure`` beside this module.

Views, commands, the report and the API call these functions; they never write goal data
themselves. Every change a person or an import makes is audited (tertial.audit.log.record).
The statuses and proposals these store beside a judgement are in tertial.goals.statuses; the
formula language is tertial.core.formula; docs/goals-and-indicators.md describes both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tertial.audit.history import check_version, save_version, version_of
from tertial.audit.log import record
from tertial.core import evaluation, formula
from tertial.core.actors import person
from tertial.core.errors import StaleVersion
from tertial.core.numbers import VALUE_DIGITS
from tertial.goals.models import (
    Assessment,
    AssessmentItem,
    BoardGoal,
    Indicator,
    IndicatorValue,
    KoladaKpi,
    KoladaValue,
)
from tertial.goals.statuses import propose_assessments
from tertial.organisation.models import Organisation, Period
from tertial.organisation.services import ensure_open
from tertial.organisation.signals import unit_figures_changed
from tertial.platform import cache
from tertial.platform.i18n import translated

ACTUAL = IndicatorValue.Kind.ACTUAL
TOTAL = IndicatorValue.Gender.TOTAL
FORMULA_SOURCE = "formula"


# ---- Assessments --------------------------------------------------------------------------


def save_assessment(
    goal: BoardGoal,
    period: Period,
    value: str,
    justification: str,
    items: Iterable[tuple[str, str] | dict] | None = None,
    *,
    actor,
    base_version: str | None = None,
) -> Assessment:
    """Save a person's assessment of ``goal`` at ``period``; the change is its history.

    ``items`` are (kind, text) pairs or {"kind", "text"} dicts: results, activities and
    deviations shown as bullets; None keeps those the assessment has. The system's proposal
    is stored beside the judgement. ``base_version`` is the version the person's form
    showed (``StaleVersion`` when someone saved since).
    """
    if value not in Assessment.Value.values:
        raise ValidationError(
            _("Okänd bedömning %(value)s; välj en av %(choices)s.")
            % {"value": value, "choices": ", ".join(Assessment.Value.values)}
        )
    if not (justification or "").strip():
        raise ValidationError(_("En bedömning behöver en motivering."))
    if goal.fiscal_year_id != period.fiscal_year_id:
        raise ValidationError(
            _("Målet %(goal)s hör inte till perioden %(period)s.")
            % {"goal": goal, "period": period}
        )
    ensure_open(period)
    pairs = None if items is None else _item_pairs(items)
    proposal = propose_assessments([goal], period)[goal.pk]
    with transaction.atomic():
        # The goal's row serialises the saves of its assessment, the first one included.
        BoardGoal.objects.select_for_update().only("pk").get(pk=goal.pk)
        assessment = Assessment.objects.filter(board_goal=goal, period=period).first()
        check_version(assessment, base_version)
        before = _assessment_state(assessment)
        if pairs is None:
            pairs = [(i["kind"], i["text"]) for i in before["items"]] if before else []
        assessment = assessment or Assessment(board_goal=goal, period=period)
        assessment.value = value
        assessment.justification = justification.strip()
        assessment.proposed_value = proposal
        save_version(
            assessment,
            actor=actor,
            action="goals.assessment.saved",
            organisation=period.organisation,
            before=before,
            after=_assessment_state(assessment, pairs),
        )
        assessment.items.all().delete()
        AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=assessment, kind=kind, text=text, sort_order=i)
            for i, (kind, text) in enumerate(pairs)
        )
    return assessment


def _item_pairs(items: Iterable[tuple[str, str] | dict]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        kind, text = (item["kind"], item["text"]) if isinstance(item, dict) else item
        if kind not in AssessmentItem.Kind.values:
            raise ValidationError(_("Okänd punkttyp %(kind)s.") % {"kind": kind})
        if (text or "").strip():
            pairs.append((kind, text.strip()))
    return pairs


def _assessment_state(
    assessment: Assessment | None, items: list[tuple[str, str]] | None = None
) -> dict | None:
    if assessment is None:
        return None
    if items is None:
        items = [(i.kind, i.text) for i in assessment.items.order_by("sort_order", "id")]
    return {
        "goal": assessment.board_goal.code,
        "period": assessment.period.key,
        "value": assessment.value,
        "justification": assessment.justification,
        "proposed_value": assessment.proposed_value,
        "items": [{"kind": kind, "text": text} for kind, text in items],
    }


def fill_missing_proposals(organisation: Organisation) -> int:
    """Store the system's proposal on current assessments that have none (loaded ones)."""
    assessments = list(
        Assessment.objects.filter(
            period__fiscal_year__organisation=organisation, proposed_value=""
        ).select_related("board_goal__fiscal_year", "period__fiscal_year__organisation")
    )
    by_period: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_period[assessment.period_id].append(assessment)
    for same_period in by_period.values():
        period = same_period[0].period
        proposals = propose_assessments([a.board_goal for a in same_period], period)
        for assessment in same_period:
            assessment.proposed_value = proposals[assessment.board_goal_id]
    Assessment.objects.bulk_update(assessments, ["proposed_value"], batch_size=1000)
    return len(assessments)


# ---- Indicator values ---------------------------------------------------------------------


def check_value(indicator: Indicator, value: Decimal | None) -> None:
    """Refuse a value impossible for the indicator's measure (a share of 130 %)."""
    problem = evaluation.validate_value(indicator.measure, value)
    if problem:
        raise ValidationError(
            _("%(indicator)s: %(problem)s")
            % {"indicator": indicator.name, "problem": translated(problem)}
        )


def indicators_by_code(organisation: Organisation) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(organisation=organisation)}


def period_of(organisation: Organisation, year: int, through_month: int) -> Period | None:
    return Period.objects.filter(
        fiscal_year__organisation=organisation, fiscal_year__year=year, end_month=through_month
    ).first()


def genders_of(indicator: Indicator) -> list[str]:
    """The genders an indicator's values are given for: the total, and women and men for an
    indicator split by gender."""
    genders = [IndicatorValue.Gender.TOTAL]
    if indicator.gender_split:
        genders += [IndicatorValue.Gender.WOMEN, IndicatorValue.Gender.MEN]
    return genders


def value_rows(
    indicator: Indicator, year: int, through_month: int, kind: str = ACTUAL
) -> dict[str, IndicatorValue | None]:
    """The indicator's value rows of one measurement period by gender (None where missing)."""
    rows = {
        row.gender: row
        for row in IndicatorValue.objects.filter(
            indicator=indicator, year=year, through_month=through_month, kind=kind
        )
    }
    return {gender: rows.get(gender) for gender in genders_of(indicator)}


def values_version(rows: dict[str, IndicatorValue | None]) -> str:
    """The version token of a measurement period's values, all genders together."""
    return "|".join(version_of(row) for row in rows.values())


def save_indicator_values(
    indicator: Indicator,
    year: int,
    through_month: int,
    values: dict[str, Decimal | None],
    *,
    kind: str = ACTUAL,
    note: str = "",
    source: str = "",
    actor,
    base_version: str | None = None,
) -> dict[str, IndicatorValue]:
    """Store the values of one measurement period by gender (None: no data, "I.U."),
    validated, each change logged; the note belongs to the total.

    ``base_version`` is what ``values_version`` gave for the rows the person's form showed
    (``StaleVersion`` with the rows now when someone saved since).
    """
    if kind not in IndicatorValue.Kind.values:
        raise ValidationError(_("Okänt slag av värde: %(kind)s.") % {"kind": kind})
    for gender in values:
        if gender not in IndicatorValue.Gender.values:
            raise ValidationError(
                _("Okänt kön: %(gender)s; använd T, K eller M.") % {"gender": gender}
            )
    if not 1 <= through_month <= 12:
        raise ValidationError(_("Månaden måste vara 1–12."))
    if indicator.formula and source != FORMULA_SOURCE:
        raise ValidationError(
            _("%(indicator)s beräknas med formeln %(formula)s och kan inte anges för hand.")
            % {"indicator": indicator.name, "formula": indicator.formula}
        )
    for value in values.values():
        check_value(indicator, value)
    period = period_of(indicator.organisation, year, through_month)
    if period is not None:
        ensure_open(period)
    saved = {}
    with transaction.atomic():
        # The indicator's row serialises the saves of its values, the first ones included.
        Indicator.objects.select_for_update().only("pk").get(pk=indicator.pk)
        current = value_rows(indicator, year, through_month, kind)
        if base_version is not None and values_version(current) != base_version:
            raise StaleVersion(
                _("Någon annan har sparat en nyare version."), current, values_version(current)
            )
        for gender, value in values.items():
            row = current.get(gender) or IndicatorValue(
                indicator=indicator,
                year=year,
                through_month=through_month,
                kind=kind,
                gender=gender,
            )
            before = _value_state(row) if row.pk else None
            row.value = value
            row.note = (note or "") if gender == TOTAL else ""
            row.source = source or ""
            save_version(
                row,
                actor=actor,
                action="goals.indicator_value.saved",
                organisation=indicator.organisation,
                before=before,
                after=_value_state(row),
            )
            saved[gender] = row
        if period is not None and indicator.unit_id is not None:
            unit_figures_changed.send(
                IndicatorValue, unit=indicator.unit, period=period, actor=actor
            )
    return saved


def _value_state(row: IndicatorValue) -> dict:
    return {
        "indicator": row.indicator.code,
        "year": row.year,
        "through_month": row.through_month,
        "kind": row.kind,
        "gender": row.gender,
        "value": None if row.value is None else str(row.value.normalize()),
        "note": row.note,
        "source": row.source,
    }


@dataclass(frozen=True)
class ValueRow:
    """One value to store, as read from a file (import_indicators, Kolada)."""

    indicator: Indicator
    year: int
    through_month: int
    kind: str
    gender: str
    value: Decimal | None
    note: str = ""
    source: str = ""


def store_values(
    organisation: Organisation, rows: list[ValueRow], *, actor, action: str, reason: str = ""
) -> dict[str, int]:
    """Store many values at once (an import), replacing the same keys; one audit entry.

    The rows must already be validated (values against measures, locked periods); this only
    refuses what would break the data: two rows with the same key.
    """
    with transaction.atomic():
        counts = _replace_values(rows, actor)
        record(action, actor=actor, organisation=organisation, after=counts, reason=reason)
    return counts


def _replace_values(rows: list[ValueRow], actor) -> dict[str, int]:
    keys = [(r.indicator.pk, r.year, r.through_month, r.kind, r.gender) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Samma indikator, period, slag och kön förekommer två gånger."))
    existing = {
        (v.indicator_id, v.year, v.through_month, v.kind, v.gender): v
        for v in IndicatorValue.objects.select_for_update().filter(
            indicator__in={r.indicator for r in rows},
            year__in={r.year for r in rows},
        )
    }
    new, changed = [], []
    updated_by = person(actor)
    for key, r in zip(keys, rows, strict=True):
        row = existing.get(key)
        if row is None:
            new.append(
                IndicatorValue(
                    indicator=r.indicator,
                    year=r.year,
                    through_month=r.through_month,
                    kind=r.kind,
                    gender=r.gender,
                    value=r.value,
                    note=r.note,
                    source=r.source,
                    updated_by=updated_by,
                )
            )
        else:
            row.value, row.note, row.source, row.updated_by = (
                r.value,
                r.note,
                r.source,
                updated_by,
            )
            row.version += 1
            changed.append(row)
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    now = timezone.now()
    for row in changed:
        # what save() would do for each row
        row.remember_written_decimals()
        row.updated_at = now
    IndicatorValue.objects.bulk_update(
        changed,
        ["value", "note", "source", "updated_by", "written_decimals", "updated_at", "version"],
        batch_size=1000,
    )
    return {"created": len(new), "updated": len(changed)}


# ---- Kolada ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiDescription:
    """A Kolada KPI as Kolada describes it."""

    id: str
    title: str
    description: str = ""
    has_ou_data: bool = False
    is_divided_by_gender: bool = False


@dataclass(frozen=True)
class KoladaFigure:
    """One value of a KPI in Kolada: a municipality's (``ou`` empty) or an organisational
    unit's (``municipality`` empty), for a year and gender; None is no data."""

    kpi: str
    municipality: str
    ou: str
    year: int
    gender: str
    value: Decimal | None
    status: str = ""


def store_kolada(
    organisation: Organisation,
    *,
    kpis: list[KpiDescription],
    figures: list[KoladaFigure],
    values: list[ValueRow],
    actor=None,
    source_name: str = "",
) -> None:
    """Store what a Kolada answer holds, in one transaction with one audit entry.

    ``kpis`` and ``figures`` (every municipality's and unit's, kept for comparison) replace
    what is stored under the same KPI id, or KPI, area, year and gender; ``values`` are the
    organisation's own figures on its indicators, validated, replacing the same keys.
    """
    with transaction.atomic(), cache.bumped_by_writer():
        for kpi in kpis:
            KoladaKpi.objects.update_or_create(
                id=kpi.id,
                defaults={
                    "title": kpi.title,
                    "description": kpi.description,
                    "has_ou_data": kpi.has_ou_data,
                    "is_divided_by_gender": kpi.is_divided_by_gender,
                },
            )
        for figure in figures:
            KoladaValue.objects.update_or_create(
                kpi=figure.kpi,
                municipality=figure.municipality,
                ou=figure.ou,
                year=figure.year,
                gender=figure.gender,
                defaults={"value": figure.value, "status": figure.status},
            )
        _replace_values(values, actor)
        # Kolada's values of every municipality: the shared scope's (the audit entry bumps
        # the organisation's).
        cache.bump_shared()
        record(
            "goals.kolada.imported",
            actor=actor,
            organisation=organisation,
            after={
                "source": source_name,
                "kpis": len(kpis),
                "values": len(figures),
                "indicator_values": len(values),
            },
        )


# ---- Computed indicators ------------------------------------------------------------------


def check_formulas(organisation: Organisation) -> None:
    """Refuse unreadable formulas, unknown references and cycles, naming the indicator."""
    indicators = list(Indicator.objects.filter(organisation=organisation))
    codes = {i.code for i in indicators}
    formulas = {i.code: i.formula for i in indicators if i.formula.strip()}
    for code, text in formulas.items():
        try:
            formula.check_names(text, codes)
        except formula.FormulaError as exc:
            raise ValidationError(f"{code}: {exc}") from exc
    try:
        formula.check_cycles(formulas)
    except formula.FormulaError as exc:
        raise ValidationError(str(exc)) from exc


def compute_indicator_values(organisation: Organisation, *, actor=None) -> int:
    """Compute every formula indicator's values from its inputs, stored with source "formula".

    A value is computed for each (year, through month, kind, gender) for which any input has
    a value row; a missing input there makes the result missing (I.U.), never 0. Computed
    indicators that feed others are computed first. Returns the number of values stored.
    """
    check_formulas(organisation)
    indicators = {i.code: i for i in Indicator.objects.filter(organisation=organisation)}
    computed = {code: i for code, i in indicators.items() if i.formula.strip()}
    if not computed:
        return 0
    trees = {code: formula.parse(i.formula) for code, i in computed.items()}
    graph = {code: sorted(formula.references(tree) & set(computed)) for code, tree in trees.items()}
    inputs = set().union(*(formula.references(tree) for tree in trees.values()))
    series: dict[str, dict[tuple, Decimal | None]] = defaultdict(dict)
    for v in IndicatorValue.objects.filter(
        indicator__organisation=organisation, indicator__code__in=inputs
    ).select_related("indicator"):
        if v.indicator.code not in computed:
            series[v.indicator.code][(v.year, v.through_month, v.kind, v.gender)] = v.value
    stored = 0
    with transaction.atomic():
        for code in formula.order(graph):
            indicator, tree = computed[code], trees[code]
            names = formula.references(tree)
            keys = set().union(*(series[name].keys() for name in names)) if names else set()
            results: dict[tuple, Decimal | None] = {}
            for key in sorted(keys):
                values = {name: series[name].get(key) for name in names}
                try:
                    results[key] = formula.evaluate(tree, values, text=indicator.formula)
                    result = results[key]
                    # A value the column cannot hold would break every page showing it.
                    if result is not None and abs(result) >= 10 ** VALUE_DIGITS[0]:
                        raise formula.FormulaError(
                            f"the result {result:.6g} is too large to store "
                            f"(at most {VALUE_DIGITS[0]} digits before the decimal point)"
                        )
                except formula.FormulaError as exc:
                    year, month, kind, gender = key
                    raise ValidationError(
                        f"{code} ({year}-{month:02d}, {kind}, {gender}): {exc}"
                    ) from exc
            series[code] = results
            _store_computed(indicator, results)
            stored += len(results)
        record(
            "goals.indicator_values.computed",
            actor=actor,
            organisation=organisation,
            after={"indicators": sorted(computed), "values": stored},
        )
    return stored


def _store_computed(indicator: Indicator, results: dict[tuple, Decimal | None]) -> None:
    """Write a computed indicator's values by (year, month, kind, gender), in three queries.

    A row already there keeps its id and who entered it; values of keys whose inputs are
    gone are stale, not data, and are deleted.
    """
    existing = {
        (row.year, row.through_month, row.kind, row.gender): row
        for row in IndicatorValue.objects.filter(indicator=indicator)
    }
    new, changed = [], []
    now = timezone.now()
    for (year, month, kind, gender), value in results.items():
        row = existing.get((year, month, kind, gender))
        if row is None:
            new.append(
                IndicatorValue(
                    indicator=indicator,
                    year=year,
                    through_month=month,
                    kind=kind,
                    gender=gender,
                    value=value,
                    source=FORMULA_SOURCE,
                    note="",
                )
            )
        else:
            if (row.value, row.source, row.note) != (value, FORMULA_SOURCE, ""):
                row.value, row.source, row.note, row.updated_at = value, FORMULA_SOURCE, "", now
                row.version += 1
                changed.append(row)
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    IndicatorValue.objects.bulk_update(
        changed, ["value", "source", "note", "updated_at", "version"], batch_size=1000
    )
    stale = [
        row.pk
        for key, row in existing.items()
        if row.source == FORMULA_SOURCE and key not in results
    ]
    IndicatorValue.objects.filter(pk__in=stale).delete()

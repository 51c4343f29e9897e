"""Checks of a report before it is approved (and by ``tertial report --check``).

Each finding has a severity ("fel" must be fixed, "varning" must be looked at), a message in
Swedish and where in the report it is. Most checks read only the report tree; two need the
database: the forecast-comment threshold (the organisation's conventions) and indicators
marked ``same_as`` that report the same quantity, and typed values beside values computed
from records.

The comparison of figures in texts is a heuristic: a figure is compared with another figure
(in another sentence, or a table row) only when their contexts share the words that say what
is measured, so that "320 stycken Instagram-följare" and "ca 350 följare" on Stadsarkivet's
Instagram are found, while "2 532 tkr hittills" and "800 tkr i prognosen" for the same unit are
not confused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tertial.core.formatting import decimals_of, format_number, format_tkr, normalise_spaces
from tertial.core.money import round_half_up
from tertial.core.tables import ColumnKind, RowRole, Table
from tertial.reports.tree import GoalFollowUpBlock, ItemList, Report, TableBlock, TextBlock

ERROR = "fel"
WARNING = "varning"
SUM_TOLERANCE_KR = Decimal("500")  # half a tkr: more than rounding can explain


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    where: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.where}: {self.message}"


# --- sums -------------------------------------------------------------------------------------


def check_sums(report: Report) -> list[Finding]:
    """Every sum row against the exact sum of the data rows above it, per amount column."""
    findings = []
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, TableBlock):
                findings += _check_table_sums(block.table, section.title)
    return findings


def _check_table_sums(table: Table, section_title: str) -> list[Finding]:
    findings = []
    amount_columns = [c for c in table.columns if c.kind == ColumnKind.AMOUNT]
    parts = []
    for row in table.rows:
        if row.role == RowRole.DATA:
            parts.append(row)
        elif row.role == RowRole.SUM:
            for column in amount_columns:
                total = row.cells.get(column.key)
                if total is None or total.value is None or not parts:
                    continue
                exact = sum(
                    (
                        p.cells[column.key].value
                        for p in parts
                        if column.key in p.cells and p.cells[column.key].value is not None
                    ),
                    Decimal(0),
                )
                if abs(exact - total.value) > SUM_TOLERANCE_KR:
                    findings.append(
                        Finding(
                            ERROR,
                            "sum",
                            _(
                                "Summan %(sum)s i kolumnen ”%(column)s” stämmer inte med "
                                "raderna ovanför, som tillsammans blir %(exact)s tkr."
                            )
                            % {
                                "sum": total.text,
                                "column": column.label,
                                "exact": format_tkr(exact),
                            },
                            f"{section_title} / {table.title} / {row.label}",
                        )
                    )
            parts = []
    return findings


# --- forecast comments, goals, indicators (from the tree) -------------------------------------


def check_forecast_comments(report: Report, threshold_kr: Decimal) -> list[Finding]:
    """A unit whose forecast deviation exceeds the threshold needs its own forecast comment."""
    commented = {
        b.key.split(":", 1)[1]
        for _, b in report.texts()
        if b.key.startswith("forecast_comment:") and b.markdown.strip()
    }
    findings = []
    for section in report.sections:
        for block in section.blocks:
            if not (isinstance(block, TableBlock) and block.table.key == "full_year_forecast"):
                continue
            table = block.table
            for row in table.rows:
                if row.role != RowRole.DATA or not row.ref.startswith("unit:"):
                    continue
                deviation = row.cells.get("deviation")
                if deviation is None or deviation.value is None:
                    continue
                code = row.ref.split(":", 1)[1]
                if abs(deviation.value) > threshold_kr and code not in commented:
                    findings.append(
                        Finding(
                            WARNING,
                            "forecast_comment",
                            _(
                                "%(unit)s avviker %(deviation)s tkr från budget i prognosen "
                                "(mer än %(threshold)s tkr) men har ingen kommentar till "
                                "prognosen."
                            )
                            % {
                                "unit": row.label,
                                "deviation": deviation.text,
                                "threshold": format_tkr(threshold_kr),
                            },
                            f"{section.title} / {table.title} / {row.label}",
                        )
                    )
    return findings


def check_goals(report: Report) -> list[Finding]:
    findings = []
    for section in report.sections:
        for block in section.blocks:
            if not isinstance(block, GoalFollowUpBlock):
                continue
            for perspective in block.perspectives:
                for goal in perspective.goals:
                    where = f"{section.title} / {perspective.title} / {goal.name}"
                    if not goal.value:
                        findings.append(
                            Finding(
                                ERROR, "goal_assessment", _("Nämndmålet saknar bedömning."), where
                            )
                        )
                    if not goal.justification.strip():
                        findings.append(
                            Finding(
                                ERROR,
                                "goal_justification",
                                _("Bedömningen av nämndmålet saknar motivering."),
                                where,
                            )
                        )
    return findings


def check_indicator_values(report: Report) -> list[Finding]:
    """An indicator row with no value (I.U.) in the period's column."""
    findings = []
    for section in report.sections:
        for block in section.blocks:
            if not isinstance(block, TableBlock) or not block.table.key.startswith("indicators-"):
                continue
            table = block.table
            if not any(c.key == report.period_key for c in table.columns):
                continue
            period_label = table.column(report.period_key).label
            for row in table.rows:
                if row.ref.count(":") != 1:  # gender rows follow their indicator
                    continue
                cell = row.cells.get(report.period_key)
                if cell is None or cell.value is not None or not cell.text:
                    continue
                findings.append(
                    Finding(
                        WARNING,
                        "indicator_value",
                        _("Indikatorn saknar värde för %(period)s (%(text)s).")
                        % {"period": period_label, "text": cell.text},
                        f"{section.title} / {table.title} / {row.label}",
                    )
                )
    return findings


# --- figures in texts -------------------------------------------------------------------------

NUMBER = re.compile(
    r"(?<![\w,])(?P<sign>[-−])?\s?(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)"
    r"(?:,(?P<decimals>\d+))?\s?(?P<unit>%|procent|tkr|mnkr|miljoner)?(?![\w])",
    re.IGNORECASE,
)
WORD = re.compile(r"[a-zåäöéü]+", re.IGNORECASE)
STOP_WORDS = set(
    """
    och att det som en ett är av för med till på den har inte om de var sig från men ska kan
    vid så även inom under efter samt eller där när detta dessa denna man vi våra vår sin sina
    också dock just nu mer mest mycket helt ca cirka endast hela stycken st tkr procent totalt
    kommer blir bli varit vara genom utifrån mot per över året år hos alla samtliga andra
    visar visa redovisar uppgår ligger gör får varpå därmed
    """.split()
)
# Words that tie a figure to a time: a figure to date and a forecast for the year differ.
QUALIFIERS = {
    "prognos": "forecast",
    "beräkn": "forecast",
    "förvän": "forecast",
    "helår": "forecast",
    "årspro": "forecast",
    "helårs": "forecast",
    "bokslu": "previous",
    "föregå": "previous",
    "fjol": "previous",
    "budget": "budget",
    "målvär": "target",
    "mål": "target",
}
NEAR = 7  # words on each side that say what a figure is
STEM = 6


def _stem(word: str) -> str:
    return word.lower()[:STEM]


def _stems(words: list[str]) -> set[str]:
    return {_stem(w) for w in words if len(w) > 1 and w.lower() not in STOP_WORDS}


@dataclass
class _Figure:
    value: Decimal
    decimals: int
    unit: str  # "tkr", "%", "" (a count)
    text: str
    sentence: str
    sentence_id: int
    near: set[str]
    context: set[str]
    words_before: list[str]
    qualifiers: frozenset[str]
    where: str
    # The units the figure is about: those its sentence names, else the one its text is
    # about (a unit's forecast comment); empty when it says nothing of a unit.
    subjects: frozenset[str] = frozenset()


def _unit(raw: str | None) -> str:
    if not raw:
        return ""
    raw = raw.lower()
    if raw in ("%", "procent"):
        return "%"
    return raw


def _sentences(text: str) -> list[str]:
    text = normalise_spaces(text).replace("\n", " ")
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])|\n", text) if s.strip()]


def extract_figures(text: str, where: str, first_sentence_id: int = 0) -> list[_Figure]:
    """Every figure of a text with the words around it."""
    figures = []
    for offset, sentence in enumerate(_sentences(text)):
        for match in NUMBER.finditer(sentence):
            digits = re.sub(r"\D", "", match.group("number"))
            decimals = match.group("decimals") or ""
            unit = _unit(match.group("unit"))
            value = Decimal(f"{digits}.{decimals}" if decimals else digits)
            if match.group("sign"):
                value = -value
            if not unit and (value < 10 or (1900 <= value <= 2100 and not decimals)):
                continue  # small counts and years say too little to compare
            if unit in ("mnkr", "miljoner"):
                continue
            before = WORD.findall(sentence[: match.start()])
            after = WORD.findall(sentence[match.end() :])
            near_words = before[-NEAR:] + after[:NEAR]
            all_words = before + after
            qualifiers = frozenset(
                q for w in all_words for prefix, q in QUALIFIERS.items() if _stem(w) == prefix
            )
            figures.append(
                _Figure(
                    value=value,
                    decimals=len(decimals),
                    unit=unit,
                    text=match.group(0).strip(),
                    sentence=sentence,
                    sentence_id=first_sentence_id + offset,
                    near=_stems(near_words),
                    context=_stems(all_words),
                    words_before=[w.lower() for w in before],
                    qualifiers=qualifiers,
                    where=where,
                )
            )
    return figures


def _same(a: Decimal, b: Decimal, decimals: int) -> bool:
    return round_half_up(a, decimals) == round_half_up(b, decimals)


def _unit_names(report: Report) -> dict[str, str]:
    """The name of each unit the report's tables show, by its code."""
    return {
        row.ref.removeprefix("unit:"): str(row.label)
        for table in report.tables()
        for row in table.rows
        if row.ref.startswith("unit:")
    }


def _subjects(sentence: str, names: dict[str, str], of_text: frozenset[str]) -> frozenset[str]:
    """The units a sentence names (by their names as the tables show them), else ``of_text``."""
    lowered = sentence.lower()
    named = frozenset(
        code
        for code, name in names.items()
        if re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", lowered)
    )
    return named or of_text


def _texts_with_units(report: Report) -> list[tuple[str, str, str]]:
    """Each text of the report, where it is, and the code of the unit it is about ('' when
    it is about no one unit)."""
    found = []
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, TextBlock):
                found.append(
                    (
                        block.markdown,
                        f"{section.title}" + (f" / {block.title}" if block.title else ""),
                        block.key.removeprefix("forecast_comment:")
                        if block.key.startswith("forecast_comment:")
                        else "",
                    )
                )
            elif isinstance(block, ItemList):
                found += [(item, f"{section.title} / {block.title}", "") for item in block.items]
            elif isinstance(block, GoalFollowUpBlock):
                for perspective in block.perspectives:
                    for goal in perspective.goals:
                        where = f"{section.title} / {goal.name}"
                        found.append((goal.justification, where, ""))
                        found += [(item.text, where, "") for item in goal.items]
    return found


def _describe(figure: _Figure) -> str:
    sentence = figure.sentence if len(figure.sentence) <= 140 else figure.sentence[:137] + "…"
    return f"”{sentence}” ({figure.where})"


def check_text_figures(report: Report) -> list[Finding]:
    figures: list[_Figure] = []
    sentence_id = 0
    names = _unit_names(report)
    for text, where, unit in _texts_with_units(report):
        found = extract_figures(text, where, sentence_id)
        sentence_id += len(_sentences(text)) + 1
        of_text = frozenset([unit]) if unit else frozenset()
        for figure in found:
            figure.subjects = _subjects(figure.sentence, names, of_text)
        figures += found
    findings = _compare_text_figures(figures)
    findings += _compare_with_tables(figures, report)
    return findings


def _compare_text_figures(figures: list[_Figure]) -> list[Finding]:
    findings = []
    reported: set[tuple[int, int]] = set()
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            if a.sentence_id == b.sentence_id or a.unit != b.unit:
                continue
            if a.qualifiers != b.qualifiers:
                continue
            # Figures about different units are different figures, however alike the words.
            if a.subjects and b.subjects and a.subjects.isdisjoint(b.subjects):
                continue
            # Two words that say what is counted, near both figures ("Instagram", "följare").
            if len(a.near & b.near) < 2:
                continue
            if _same(a.value, b.value, min(a.decimals, b.decimals)):
                continue
            key = (a.sentence_id, b.sentence_id)
            if key in reported:
                continue
            reported.add(key)
            findings.append(
                Finding(
                    WARNING,
                    "text_figures",
                    _("Olika siffror för samma sak? %(a)s i %(a_where)s men %(b)s i %(b_where)s.")
                    % {"a": a.text, "a_where": _describe(a), "b": b.text, "b_where": _describe(b)},
                    b.where,
                )
            )
    return findings


def _row_context(table: Table, row_index: int) -> tuple[set[str], set[str]]:
    """The row's own label words, and the words of what it measures (group, table, columns)."""
    row = table.rows[row_index]
    label = _stems(WORD.findall(row.label))
    measure: set[str] = set()
    for previous in reversed(table.rows[:row_index]):
        if previous.role == RowRole.GROUP and previous.level < row.level:
            measure |= _stems(WORD.findall(previous.label))
            break
    for column in table.columns:
        if column.kind != ColumnKind.TEXT:
            measure |= _stems(WORD.findall(column.label))
    return label, measure - label


def _cell_unit(kind: ColumnKind, text: str) -> str:
    if kind == ColumnKind.AMOUNT:
        return "tkr"
    if kind == ColumnKind.PERCENT or text.rstrip().endswith("%"):
        return "%"
    return ""


def _compare_with_tables(figures: list[_Figure], report: Report) -> list[Finding]:
    findings = []
    rows = []
    for table in report.tables():
        for index, row in enumerate(table.rows):
            if row.role in (RowRole.SUM, RowRole.OF_WHICH) or row.label in ("Män", "Kvinnor"):
                continue
            label, measure = _row_context(table, index)
            if not label:
                continue
            values = [
                (c.value, _cell_unit(col.kind, c.text), c.text)
                for col in table.columns
                if (c := row.cells.get(col.key)) is not None and c.value is not None
            ]
            rows.append((table, row, label, measure, values))
    for figure in figures:
        candidates = []
        for table, row, label, measure, values in rows:
            near_words = {_stem(w) for w in figure.words_before[-(NEAR + len(label)) :]}
            if not label <= (near_words | figure.near) or not (measure & figure.context):
                continue
            same_unit = [(v, text) for v, unit, text in values if unit == figure.unit]
            if not same_unit:
                continue
            if figure.unit == "tkr":
                same_unit = [(v / 1000, text) for v, text in same_unit]
            candidates.append((table, row, same_unit))
        if not candidates:
            continue
        if any(
            _same(figure.value, value, figure.decimals)
            for _table, _row, values in candidates
            for value, _text in values
        ):
            continue
        table, row, same_unit = candidates[0]
        shown = ", ".join(text for _value, text in same_unit)
        findings.append(
            Finding(
                WARNING,
                "text_table_figures",
                _(
                    "Texten säger %(figure)s i %(where)s, men tabellen ”%(table)s” visar "
                    "%(shown)s för %(row)s."
                )
                % {
                    "figure": figure.text,
                    "where": _describe(figure),
                    "table": table.title,
                    "shown": shown,
                    "row": row.label,
                },
                figure.where,
            )
        )
    return findings


# --- the database checks and the whole run -----------------------------------------------------


def _plain(value: Decimal) -> str:
    """A stored value (42357.000000) as written (42 357)."""
    return format_number(value, decimals_of(value.normalize()))


def check_same_as(period) -> list[Finding]:
    """Two indicators that report the same quantity must have the same value for the period."""
    from tertial.goals.models import Indicator, IndicatorValue

    pairs = list(
        Indicator.objects.filter(
            organisation=period.organisation, same_as__isnull=False
        ).select_related("same_as")
    )
    if not pairs:
        return []
    ids = {i.pk for i in pairs} | {i.same_as_id for i in pairs}
    values = {
        (v.indicator_id, v.gender): v.value
        for v in IndicatorValue.objects.filter(
            indicator_id__in=ids,
            year=period.year,
            through_month=period.end_month,
            kind=IndicatorValue.Kind.ACTUAL,
        )
    }
    findings = []
    for indicator in pairs:
        other = indicator.same_as
        for gender in ("T", "K", "M"):
            a, b = values.get((indicator.pk, gender)), values.get((other.pk, gender))
            if a is None or b is None or a == b:
                continue
            suffix = {"T": "", "K": _(" (kvinnor)"), "M": _(" (män)")}[gender]
            findings.append(
                Finding(
                    ERROR,
                    "same_as",
                    _(
                        "”%(a)s” (%(a_value)s) och ”%(b)s” (%(b_value)s) avser samma mått men "
                        "har olika värden för %(period)s%(gender)s."
                    )
                    % {
                        "a": indicator.name,
                        "a_value": _plain(a),
                        "b": other.name,
                        "b_value": _plain(b),
                        "period": period.key,
                        "gender": suffix,
                    },
                    f"Nämndindikatorer / {indicator.name}",
                )
            )
    return findings


def check_computed_values(period) -> list[Finding]:
    """A value typed beside one computed from records must agree with it as shown."""
    from tertial.records.queries import typed_differences

    findings = []
    for difference in typed_differences(period.organisation, period.year, period.end_month):
        indicator = difference.indicator
        suffix = {"T": "", "K": _(" (kvinnor)"), "M": _(" (män)")}[difference.gender]
        findings.append(
            Finding(
                WARNING,
                "computed_value",
                _(
                    "”%(name)s” har värdet %(typed)s inskrivet för %(period)s%(gender)s, men "
                    "beräknat från posterna blir det %(computed)s."
                )
                % {
                    "name": indicator.name,
                    "typed": _plain(difference.typed),
                    "computed": format_number(difference.computed, indicator.decimals or 0)
                    if indicator.decimals is not None
                    else _plain(difference.computed),
                    "period": period.key,
                    "gender": suffix,
                },
                f"Nämndindikatorer / {indicator.name}",
            )
        )
    return findings


def run_checks(period, report: Report | None = None) -> list[Finding]:
    """Every check of the period's report, errors first."""
    from tertial.core.conventions import conventions_from_settings
    from tertial.reports.build import build_report

    if report is None:
        report = build_report(period)
    settings = period.organisation.settings or {}
    threshold_key = "forecast_comment_threshold_kr"
    conventions = conventions_from_settings(
        {threshold_key: settings[threshold_key]} if threshold_key in settings else {}
    )
    findings = (
        check_sums(report)
        + check_same_as(period)
        + check_computed_values(period)
        + check_goals(report)
        + check_forecast_comments(report, conventions.forecast_comment_threshold_kr)
        + check_indicator_values(report)
        + check_text_figures(report)
    )
    return sorted(findings, key=lambda f: f.severity != ERROR)

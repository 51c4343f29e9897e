"""The report definition: which sections a report has, in what order, with what titles.

The built-in definition reproduces the structure of a delårsrapport (the reference report of
Verksamhetsstöd och service, January–August 2020). An organisation overrides it with
``Organisation.settings["report"]``; docs/report-definition.md describes the format. Every
definition is validated before use and all problems are reported together, each with where
it is ("report.sections[2].content[0]").
"""

from __future__ import annotations

import copy
import string
from dataclasses import dataclass, field
from typing import Any

TABLES = (
    "operating_summary",
    "full_year_forecast",
    "economy_summary",
    "investments",
    "revenue_by_kind",
    "cost_by_kind",
    "net_result_per_unit",
    "forecast_accuracy",
    "goal_overview",
    "core_volumes",
    "personnel",
    "kolada_comparison",
)
CHARTS = ("net_result_per_unit", "revenue_by_kind", "cost_by_kind")
# Content kinds that take an argument, with the values it may have (None: any text key).
KINDS_WITH_ARGUMENT: dict[str, tuple[str, ...] | None] = {
    "text": None,
    "table": TABLES,
    "chart": CHARTS,
}
KINDS_WITHOUT_ARGUMENT = (
    "forecast_comments",
    "goal_follow_up",
    "decisions",
    "events",
    "plans",
    "indicator_tables",
    "indicator_trends",
)
PLACEHOLDERS = ("year", "previous_year", "month", "period_end", "organisation", "short_name")
MAX_LEVEL = 3
DEFINITION_KEYS = {"name", "title", "cover", "toc", "proposals", "sections"}
SECTION_KEYS = {"id", "use", "title", "content", "sections"}
CONTENT_KEYS = {"title", "sheet"} | set(KINDS_WITH_ARGUMENT) | set(KINDS_WITHOUT_ARGUMENT)
# Excel's limit for a sheet's name, and the characters it refuses in one.
MAX_SHEET_NAME = 31
SHEET_FORBIDDEN = set("[]:*?/\\")


class ReportDefinitionError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Felaktig rapportdefinition:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class ContentSpec:
    kind: str
    argument: str = ""
    title: str = ""
    sheet: str = ""  # a table's or chart's short title: its sheet in the Excel file


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    content: tuple[ContentSpec, ...] = ()
    sections: tuple[SectionSpec, ...] = ()


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str  # "" → the period's own title
    cover: bool
    toc: bool
    sections: tuple[SectionSpec, ...] = field(default_factory=tuple)
    # The system's proposed assessments in the published report: only when asked for, since
    # what is published is the board's own judgement.
    proposals: bool = False

    def walk(self):
        """Every section with its level (1 for top level), in reading order."""

        def visit(specs, level):
            for spec in specs:
                yield spec, level
                yield from visit(spec.sections, level + 1)

        yield from visit(self.sections, 1)


_ANALYSIS = "Analys och kommentar"
_DEVIATIONS = "Väsentliga avvikelser"

# The built-in delårsrapport, in the same format an organisation writes in its settings.
DEFAULT_DEFINITION: dict[str, Any] = {
    "name": "delårsrapport",
    "cover": True,
    "toc": True,
    "sections": [
        {"id": "mission", "title": "Förvaltningens uppdrag", "content": [{"text": "mission"}]},
        {
            "id": "head_assessment",
            "title": "Förvaltningschefens bedömning och analys",
            "content": [{"text": "head_assessment"}],
            "sections": [
                {
                    "id": "corona_effects",
                    "title": "Uppföljning av effekterna för nämndens verksamhet av coronaviruset",
                    "content": [{"text": "corona_effects"}],
                }
            ],
        },
        {
            "id": "overall",
            "title": "Samlad bedömning och analys av ekonomi, verksamhet och personal",
            "content": [{"text": "overall_assessment"}],
            "sections": [
                {
                    "id": "overall_economy",
                    "title": "Ekonomi",
                    "content": [{"text": "overall_economy"}],
                },
                {
                    "id": "overall_operations",
                    "title": "Verksamhet",
                    "content": [{"text": "overall_operations"}],
                },
                {
                    "id": "overall_personnel",
                    "title": "Personal",
                    "content": [{"text": "overall_personnel"}],
                },
            ],
        },
        {
            "id": "economy",
            "title": "Ekonomi",
            "content": [
                {"table": "economy_summary", "sheet": "Ekonomi"},
                {"text": "economy_summary_deviations", "title": _DEVIATIONS},
            ],
        },
        {
            "id": "operations",
            "title": "Verksamhet",
            "sections": [
                {
                    "id": "goal_overview",
                    "title": "Nämndens måluppfyllelse för året",
                    "content": [{"table": "goal_overview", "sheet": "Måluppfyllelse"}],
                },
                {
                    "id": "core_volumes",
                    "title": "Basuppdrag",
                    "content": [
                        {"table": "core_volumes"},
                        {"text": "core_volumes_deviations", "title": _DEVIATIONS},
                    ],
                },
            ],
        },
        {
            "id": "personnel",
            "title": "Personal",
            "content": [
                {"table": "personnel"},
                {"text": "personnel_deviations", "title": _DEVIATIONS},
            ],
        },
        {
            "id": "decisions_events",
            "title": "Viktiga beslut och händelser",
            "content": [
                {"decisions": True, "title": "Beslut"},
                {"events": True, "title": "Händelser"},
            ],
        },
        {
            "id": "economy_detail",
            # Not "Ekonomi" again: the contents name each chapter once.
            "title": "Ekonomi per verksamhet och slag",
            "content": [
                {"chart": "net_result_per_unit", "sheet": "Nettoresultat per verksamhet"},
                {"text": "economy_units_analysis", "title": _ANALYSIS},
                {"chart": "revenue_by_kind", "sheet": "Intäkter per slag"},
                {"chart": "cost_by_kind", "sheet": "Kostnader per slag"},
                {"text": "economy_kinds_analysis", "title": _ANALYSIS},
            ],
            "sections": [
                {
                    "id": "operating_summary",
                    "title": "Driftsammandrag",
                    "sections": [
                        {
                            "id": "result_to_date",
                            "title": "Resultat {period_end}",
                            "content": [{"table": "operating_summary"}],
                        },
                        {
                            "id": "full_year_forecast",
                            "title": "Prognos resultat {year}",
                            "content": [
                                {"table": "full_year_forecast"},
                                {"text": "economy_forecast_analysis", "title": _ANALYSIS},
                                {"forecast_comments": True},
                            ],
                        },
                    ],
                },
                {
                    "id": "investments",
                    "title": "Investeringar",
                    "content": [
                        {"table": "investments"},
                        {"text": "investments_analysis", "title": _ANALYSIS},
                    ],
                },
                {
                    "id": "corona_economy",
                    "title": "Uppföljning av effekterna för nämndens verksamhet av coronapandemin",
                    "content": [{"text": "corona_economy"}],
                },
            ],
        },
        {
            "id": "goals",
            "title": "Uppföljning av mål och inriktning",
            "sections": [
                {
                    "id": "goals_report",
                    "title": "Målredovisning",
                    "content": [{"text": "goals_introduction"}, {"goal_follow_up": True}],
                }
            ],
        },
        {"id": "plans", "title": "Uppföljning av planer och program", "content": [{"plans": True}]},
        {
            "id": "indicators",
            "title": "Uppföljning av nämndindikatorer",
            "content": [{"text": "indicators_introduction"}, {"indicator_tables": True}],
            "sections": [
                {
                    "id": "indicator_trends",
                    "title": "Nämndindikatorernas utveckling",
                    "content": [{"indicator_trends": True}],
                }
            ],
        },
    ],
}


def _default_sections_by_id() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def visit(sections):
        for section in sections:
            found[section["id"]] = section
            visit(section.get("sections", []))

    visit(DEFAULT_DEFINITION["sections"])
    return found


def _check_title(title: Any, where: str, problems: list[str]) -> str:
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: rubriken (title) saknas eller är tom.")
        return ""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(title) if name is not None}
    except ValueError:
        problems.append(f"{where}: rubriken {title!r} har en felaktig platshållare.")
        return title
    unknown = names - set(PLACEHOLDERS)
    if unknown:
        problems.append(
            f"{where}: okänd platshållare {', '.join(sorted('{' + n + '}' for n in unknown))} "
            f"i rubriken; tillåtna är {', '.join('{' + p + '}' for p in PLACEHOLDERS)}."
        )
    return title


def _check_sheet(sheet: Any, kind: str, where: str, problems: list[str]) -> str:
    if sheet == "":
        return ""
    if kind not in ("table", "chart"):
        problems.append(f"{where}: sheet (bladets namn i Excel) gäller bara table och chart.")
        return ""
    if not isinstance(sheet, str) or not sheet.strip() or len(sheet) > MAX_SHEET_NAME:
        problems.append(f"{where}: sheet ska vara en text på högst {MAX_SHEET_NAME} tecken.")
        return ""
    if SHEET_FORBIDDEN & set(sheet):
        problems.append(f"{where}: sheet får inte innehålla något av tecknen [ ] : * ? / \\.")
        return ""
    return sheet.strip()


def _parse_content(item: Any, where: str, problems: list[str]) -> ContentSpec | None:
    if isinstance(item, str):
        item = {item: True}
    if not isinstance(item, dict):
        problems.append(
            f"{where}: ett innehåll ska vara en text eller en avbildning, inte {item!r}."
        )
        return None
    unknown = set(item) - CONTENT_KEYS
    if unknown:
        problems.append(
            f"{where}: okänt innehåll {', '.join(sorted(map(str, unknown)))}; tillåtet är "
            f"{', '.join(sorted(CONTENT_KEYS - {'title'}))}."
        )
        return None
    kinds = [k for k in item if k not in ("title", "sheet")]
    if len(kinds) != 1:
        problems.append(f"{where}: ange precis ett slags innehåll, inte {len(kinds)}.")
        return None
    kind = kinds[0]
    title = ""
    if "title" in item:
        title = _check_title(item["title"], where, problems)
    sheet = _check_sheet(item.get("sheet", ""), kind, where, problems)
    argument = item[kind]
    if kind in KINDS_WITH_ARGUMENT:
        allowed = KINDS_WITH_ARGUMENT[kind]
        if not isinstance(argument, str) or not argument.strip():
            problems.append(
                f"{where}: {kind} behöver ett namn, t.ex. {kind}: {(allowed or ['mission'])[0]}."
            )
            return None
        if allowed is not None and argument not in allowed:
            problems.append(
                f"{where}: okänd {kind} {argument!r}; tillåtna är {', '.join(allowed)}."
            )
            return None
        return ContentSpec(kind, argument, title, sheet)
    if argument is not True:
        problems.append(f"{where}: {kind} tar inget namn; skriv {kind}: true.")
        return None
    return ContentSpec(kind, "", title)


def _parse_section(
    raw: Any,
    where: str,
    level: int,
    defaults: dict[str, dict[str, Any]],
    seen: set[str],
    problems: list[str],
) -> SectionSpec | None:
    if isinstance(raw, str):
        raw = {"use": raw}
    if not isinstance(raw, dict):
        problems.append(f"{where}: ett avsnitt ska vara ett id eller en avbildning, inte {raw!r}.")
        return None
    unknown = set(raw) - SECTION_KEYS
    if unknown:
        problems.append(
            f"{where}: okända nycklar {', '.join(sorted(map(str, unknown)))}; "
            f"tillåtna är {', '.join(sorted(SECTION_KEYS))}."
        )
    if "use" in raw:
        base = defaults.get(raw["use"])
        if base is None:
            problems.append(
                f"{where}: use: {raw['use']!r} finns inte i standarddefinitionen; "
                f"tillgängliga är {', '.join(defaults)}."
            )
            return None
        merged = copy.deepcopy(base)
        merged.update({k: v for k, v in raw.items() if k != "use"})
        raw = merged
    section_id = raw.get("id")
    if not isinstance(section_id, str) or not section_id.strip():
        problems.append(f"{where}: id saknas.")
        section_id = f"section-{len(seen) + 1}"
    elif section_id in seen:
        problems.append(f"{where}: id {section_id!r} används mer än en gång.")
    seen.add(section_id)
    title = _check_title(raw.get("title"), where, problems)
    if level > MAX_LEVEL:
        problems.append(f"{where}: avsnitt kan bara ligga {MAX_LEVEL} nivåer djupt.")
    content_raw = raw.get("content", [])
    if not isinstance(content_raw, list):
        problems.append(f"{where}.content: ska vara en lista.")
        content_raw = []
    content = [
        _parse_content(item, f"{where}.content[{i}]", problems)
        for i, item in enumerate(content_raw)
    ]
    children_raw = raw.get("sections", [])
    if not isinstance(children_raw, list):
        problems.append(f"{where}.sections: ska vara en lista.")
        children_raw = []
    children = [
        _parse_section(child, f"{where}.sections[{i}]", level + 1, defaults, seen, problems)
        for i, child in enumerate(children_raw)
    ]
    if not content_raw and not children_raw:
        problems.append(f"{where}: avsnittet {title!r} har varken innehåll eller underavsnitt.")
    return SectionSpec(
        id=section_id,
        title=title,
        content=tuple(c for c in content if c is not None),
        sections=tuple(c for c in children if c is not None),
    )


def parse_definition(raw: Any) -> ReportDefinition:
    """A validated definition from its settings form; ReportDefinitionError lists every problem."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ReportDefinitionError([f"report: ska vara en avbildning, inte {type(raw).__name__}."])
    unknown = set(raw) - DEFINITION_KEYS
    if unknown:
        problems.append(
            f"report: okända nycklar {', '.join(sorted(map(str, unknown)))}; "
            f"tillåtna är {', '.join(sorted(DEFINITION_KEYS))}."
        )
    sections_raw = raw.get("sections", DEFAULT_DEFINITION["sections"])
    if not isinstance(sections_raw, list) or not sections_raw:
        problems.append("report.sections: ska vara en lista med minst ett avsnitt.")
        sections_raw = []
    for flag in ("cover", "toc", "proposals"):
        if flag in raw and not isinstance(raw[flag], bool):
            problems.append(f"report.{flag}: ska vara true eller false.")
    title = raw.get("title", "")
    if title:
        title = _check_title(title, "report.title", problems)
    defaults = _default_sections_by_id()
    seen: set[str] = set()
    sections = [
        _parse_section(s, f"report.sections[{i}]", 1, defaults, seen, problems)
        for i, s in enumerate(sections_raw)
    ]
    if problems:
        raise ReportDefinitionError(problems)
    return ReportDefinition(
        name=str(raw.get("name", "egen")),
        title=title,
        cover=raw.get("cover", True),
        toc=raw.get("toc", True),
        proposals=raw.get("proposals", False),
        sections=tuple(s for s in sections if s is not None),
    )


def default_definition() -> ReportDefinition:
    return parse_definition(DEFAULT_DEFINITION)


def definition_for(settings: dict[str, Any]) -> ReportDefinition:
    """The organisation's own definition when its settings have one, else the built-in one."""
    if "report" in settings:
        return parse_definition(settings["report"])
    return default_definition()

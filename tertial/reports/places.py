"""Where in the report each text goes: the pages where texts are written head each box with
its place, so that two boxes titled "Väsentliga avvikelser" say which section each is for."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.organisation.models import Period
from tertial.reports.build import title_context
from tertial.reports.definition import ContentSpec, SectionSpec, definition_for

# What a reader sees of a table or chart kind, to tell two texts of one section apart.
TABLE_LABELS = {
    "operating_summary": gettext_lazy("driftsammandraget"),
    "full_year_forecast": gettext_lazy("prognosen för helåret"),
    "economy_summary": gettext_lazy("ekonomisammanfattningen"),
    "investments": gettext_lazy("investeringarna"),
    "revenue_by_kind": gettext_lazy("intäkterna per slag"),
    "cost_by_kind": gettext_lazy("kostnaderna per slag"),
    "net_result_per_unit": gettext_lazy("resultatet per verksamhet"),
    "forecast_accuracy": gettext_lazy("prognossäkerheten"),
    "goal_overview": gettext_lazy("måluppfyllelsen"),
    "core_volumes": gettext_lazy("basuppdragets volymer"),
    "personnel": gettext_lazy("personalnyckeltalen"),
    "kolada_comparison": gettext_lazy("jämförelsen i Kolada"),
}
# Content placed by kind alone: the texts page writes these too.
PLACED_KINDS = ("decisions", "events", "plans")


@dataclass(frozen=True)
class Place:
    """A text's place: the report's section titles down to its section, its own heading in
    the report, and what comes just before it there."""

    path: tuple[str, ...]
    title: str
    after: str
    order: int

    @property
    def heading(self) -> str:
        return " › ".join(part for part in (*self.path, self.title) if part)


def _label(content: ContentSpec, context: dict[str, str]) -> str:
    name = str(TABLE_LABELS.get(content.argument, content.argument))
    match content.kind:
        case "table":
            return _("tabellen över %(name)s") % {"name": name}
        case "chart":
            return _("diagrammet över %(name)s") % {"name": name}
        case "text" if content.title:
            return _("texten %(title)s") % {"title": content.title.format(**context)}
    return ""


def places_of(period: Period) -> dict[str, Place]:
    """The place of each text and table the organisation's report definition names, by
    ``"text:<key>"`` and ``"table:<name>"``, and of the decisions, events and plans, by
    their kind. A text placed twice is described by its first place."""
    definition = definition_for(period.organisation.settings or {})
    context = title_context(period)
    places: dict[str, Place] = {}

    def visit(specs: tuple[SectionSpec, ...], path: tuple[str, ...]) -> None:
        for spec in specs:
            here = (*path, spec.title.format(**context))
            previous = ""
            for content in spec.content:
                key = f"{content.kind}:{content.argument}" if content.argument else content.kind
                if content.kind in ("text", "table") or content.kind in PLACED_KINDS:
                    places.setdefault(
                        key,
                        Place(here, content.title.format(**context), previous, len(places)),
                    )
                previous = _label(content, context) or previous
            visit(spec.sections, here)

    visit(definition.sections, ())
    return places


def headings_of(places: dict[str, Place]) -> dict[str, str]:
    """A heading for each place, unique on its page: the place's heading, and where two
    places would read alike, what each comes after."""
    seen: dict[str, int] = {}
    for place in places.values():
        seen[place.heading] = seen.get(place.heading, 0) + 1
    headings = {}
    for key, place in places.items():
        heading = place.heading
        if seen[heading] > 1 and place.after:
            heading = _("%(heading)s, efter %(after)s") % {"heading": heading, "after": place.after}
        headings[key] = heading
    return headings

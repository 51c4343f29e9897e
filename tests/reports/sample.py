"""A small report tree built by hand, for testing the renderers without a database."""

from decimal import Decimal

from tertial.core.formatting import format_tkr
from tertial.core.tables import Cell, Column, ColumnKind, Row, RowRole, Table
from tertial.reports.charts import amount_columns, bar_chart_from_table, trend_chart
from tertial.reports.tree import (
    ChartBlock,
    ChartGroup,
    GoalFollowUp,
    GoalFollowUpBlock,
    GoalItem,
    ItemList,
    PerspectiveFollowUp,
    Report,
    Section,
    Series,
    TableBlock,
    TextBlock,
)

UNITS = [
    ("VSS ledning", "-272100", "0", "-203000"),
    ("Upphandling & inköp", "-38000", "0", None),
    ("Ekonomiservice", "-401000", "183900", "-65000"),
    ("LKDATA", "7190400", "1158900", "12976000"),
]


def _amount(value: str | None) -> Cell:
    exact = None if value is None else Decimal(value)
    return Cell(format_tkr(exact), exact, source="test")


def operating_summary() -> Table:
    columns = [
        Column("actual", "Redovisat jan–aug 2020"),
        Column("budget", "Budget jan–aug 2020"),
        Column("deviation", "Avvikelse", note="redovisat − budget"),
        Column("previous_year", "Redovisat samma period föregående år"),
    ]
    rows = []
    totals = {"actual": Decimal(0), "budget": Decimal(0), "deviation": Decimal(0)}
    for name, actual, budget, previous in UNITS:
        deviation = str(Decimal(actual) - Decimal(budget))
        for key, value in (("actual", actual), ("budget", budget), ("deviation", deviation)):
            totals[key] += Decimal(value)
        rows.append(
            Row(
                name,
                {
                    "actual": _amount(actual),
                    "budget": _amount(budget),
                    "deviation": _amount(deviation),
                    "previous_year": _amount(previous),
                },
                ref=f"unit:{name}",
            )
        )
    previous_total = sum(Decimal(u[3]) for u in UNITS if u[3] is not None)
    rows.append(
        Row(
            "Summa",
            {
                "actual": _amount(str(totals["actual"])),
                "budget": _amount(str(totals["budget"])),
                "deviation": _amount(str(totals["deviation"])),
                "previous_year": _amount(str(previous_total)),
            },
            role=RowRole.SUM,
        )
    )
    rows.append(
        Row(
            "varav kostnader",
            {"actual": _amount("297560000"), "budget": _amount("294028000")},
            role=RowRole.OF_WHICH,
        )
    )
    return Table("operating_summary", "Driftsammandrag, netto tkr", columns, rows)


def indicator_table() -> Table:
    columns = [
        Column("y2018", "2018", ColumnKind.NUMBER),
        Column("y2019", "2019", ColumnKind.NUMBER),
        Column("current", "Aug. 2020", ColumnKind.NUMBER),
        Column("target", "Målvärde", ColumnKind.TEXT),
    ]

    def number(value: str | None) -> Cell:
        if value is None:
            return Cell("I.U.")
        return Cell(value.replace(".", ","), Decimal(value), status="met")

    return Table(
        "indicators-medarbetare",
        "Målområde: Medarbetare",
        columns,
        [
            Row(
                "Total sjukfrånvaro",
                {
                    "y2018": number("6.2"),
                    "y2019": number("3.8"),
                    "current": number("4.3"),
                    "target": Cell("3,5"),
                },
            ),
            Row(
                "Män",
                {"y2018": number("4.8"), "y2019": number("3.8"), "current": number("2.7")},
                role=RowRole.SUB,
                level=1,
            ),
            Row("HME", {"y2018": number(None), "y2019": number(None), "current": number("68")}),
        ],
    )


def sample_report() -> Report:
    summary = operating_summary()
    chart = bar_chart_from_table(
        summary,
        key="net_result_per_unit",
        title="Nettoresultat per verksamhet",
        columns=amount_columns(summary),
    )
    trend = trend_chart(
        key="trend:sick",
        title="Total sjukfrånvaro",
        periods=["2018", "2019", "Aug. 2020"],
        series=[Series("Totalt", [Decimal("6.2"), Decimal("3.8"), Decimal("4.3")])],
        unit="%",
        decimals=1,
    )
    goals = GoalFollowUpBlock(
        [
            PerspectiveFollowUp(
                "Målområde Medborgare/Kund",
                [
                    GoalFollowUp(
                        code="god-service",
                        name="God service",
                        value="met",
                        label="uppnås",
                        justification="Nämndmålet uppnås helt.",
                        items=[
                            GoalItem("result", "Instagram följare på stadsarkivet är 320 stycken")
                        ],
                        proposal="partly_met",
                        proposal_label="uppnås delvis",
                    )
                ],
            )
        ]
    )
    return Report(
        organisation="Verksamhetsstöd och service",
        organisation_slug="vss",
        short_name="VSS",
        municipality="Linköpings kommun",
        board="Kommunstyrelsen",
        period_key="2020-08",
        title="Delårsrapport januari–augusti 2020",
        cover=True,
        toc=True,
        built_at="2020-09-10T10:00:00+02:00",
        sections=[
            Section(
                "mission",
                "Förvaltningens uppdrag",
                1,
                [
                    TextBlock(
                        "mission",
                        "VSS visar ett resultat med 8 486 tkr.\n\n- en punkt\n- <script>x</script>",
                    )
                ],
            ),
            Section(
                "result_to_date",
                "Resultat 31 augusti 2020",
                2,
                [TableBlock(summary), ChartBlock(chart)],
            ),
            Section(
                "decisions",
                "Viktiga beslut och händelser",
                1,
                [
                    ItemList("decisions", ["Beslut ett", "Beslut två"], "Beslut"),
                ],
            ),
            Section("goals", "Målredovisning", 1, [goals]),
            Section(
                "indicators",
                "Uppföljning av nämndindikatorer",
                1,
                [
                    TextBlock("indicators_introduction", "Stadsarkivet har ca 350 följare."),
                    TableBlock(indicator_table()),
                    ChartGroup("Utveckling", [trend]),
                ],
            ),
        ],
    )

"""The goal and indicator tables of the example against the reference report (Jan–Aug 2020)."""

import pytest

from tertial.core.formatting import normalise_spaces
from tertial.goals.tables import (
    core_volumes,
    goal_follow_up,
    goal_overview,
    indicator_tables,
    personnel,
)
from tests.helpers import find_row

pytestmark = pytest.mark.django_db

# The reference's assessments (Goda arbetsplatser: colour lost in the extraction, the example
# reads it as partly met).
REFERENCE_ASSESSMENTS = {
    "God service": "met",
    "God kundsamverkan": "partly_met",
    "God styrning av tjänsteproduktion": "partly_met",
    "Hög digitaliseringsgrad": "met",
    "Korrekta och effektiva inköp": "not_met",
    "God ekonomisk kontroll": "met",
    "Goda arbetsplatser": "partly_met",
    "Framgångsrikt chef- och ledarskap": "partly_met",
    "Nya vägar för (tryggad) kompetensförsörjning": "met",
}
WORDS = {"met": "uppnås", "partly_met": "uppnås delvis", "not_met": "uppnås ej"}


def texts(row, keys):
    return [normalise_spaces(row.cells[k].text) for k in keys]


@pytest.fixture
def tables_by_key(period_2020_08):
    return {t.key: t for t in indicator_tables(period_2020_08)}


def test_goal_overview_has_the_reference_assessments_with_the_proposal_beside(period_2020_08):
    table = goal_overview(period_2020_08)
    assert table.title == "Nämndens måluppfyllelse för året"
    assert [row.label for row in table.rows] == [
        "God service",
        "Korrekta och effektiva inköp",
        "God ekonomisk kontroll",
        "God kundsamverkan",
        "God styrning av tjänsteproduktion",
        "Hög digitaliseringsgrad",
        "Goda arbetsplatser",
        "Framgångsrikt chef- och ledarskap",
        "Nya vägar för (tryggad) kompetensförsörjning",
    ]
    for row in table.rows:
        expected = REFERENCE_ASSESSMENTS[row.label]
        assert row.cells["assessment"].status == expected
        assert row.cells["assessment"].text == WORDS[expected]
        proposal = row.cells["proposal"].status
        assert proposal in {"met", "partly_met", "not_met", "not_assessable"}
        assert row.cells["differs"].text == ("Ja" if proposal != expected else "")
    # The rule is not tuned to the reference: the judgements weigh activities too.
    assert any(row.cells["differs"].text for row in table.rows)
    proposal_column = table.column("proposal")
    assert proposal_column.working and table.column("differs").working
    assert proposal_column.note.startswith("bygger enbart på nämndindikatorerna")


def test_proposals_follow_the_documented_rule(period_2020_08):
    proposals = {r.label: r.cells["proposal"].status for r in goal_overview(period_2020_08).rows}
    # God service: met (LKDATA kundnöjdhet, HR direkt), partly (svarsservice 91 of 92,
    # tappade samtal 5,2 of <5), not met (studiebesök 24 of 90, forskarbesök 8 of 30):
    # 2 of 6 met < 0,75 and 2 of 6 not met < 0,5 → partly met.
    assert proposals["God service"] == "partly_met"
    # Hög digitaliseringsgrad: chatt 2,2 % of 5 % → not met.
    assert proposals["Hög digitaliseringsgrad"] == "not_met"
    # Goda arbetsplatser: sjukfrånvaro 4,3 of 3,5 partly, heltid 99 of 99 met, HME 68 of 78
    # partly (≥ 62,4) → partly met.
    assert proposals["Goda arbetsplatser"] == "partly_met"


def test_goal_follow_up(period_2020_08):
    sections = goal_follow_up(period_2020_08)
    assert [s.title for s in sections] == [
        "Målområde Medborgare/Kund",
        "Målområde Ekonomi",
        "Målområde Verksamhet",
        "Målområde Medarbetare",
    ]
    goals = {g.name: g for s in sections for g in s.goals}
    assert set(goals) == set(REFERENCE_ASSESSMENTS)
    service = goals["God service"]
    assert service.assessment == "met" and service.assessment_label == "uppnås"
    assert service.justification.startswith("Nämndmålet uppnås helt")
    assert any("53,4 %" in item.text for item in service.items)
    assert service.proposal_label == "uppnås delvis" and service.differs
    inköp = goals["Korrekta och effektiva inköp"]
    assert inköp.assessment_label == "uppnås ej"
    assert any("Upphandlingsplan" in item.text for item in inköp.items)
    for goal in goals.values():
        assert goal.justification
        assert goal.differs == (goal.assessment != goal.proposal)


def test_medborgare_table(tables_by_key):
    table = tables_by_key["indicators-valfard"]
    assert table.title == "Målområde: Medborgare"
    assert (
        table.caption == "Kommunövergripande mål: Välfärdstjänster med hög kvalitet, tillgänglighet"
    )
    assert [c.label for c in table.columns] == [
        "Nämndmål",
        "Nämndindikator",
        "2018",
        "2019",
        "Aug. 2020",
        "Målvärde",
    ]
    years = ["2018", "2019", "2020-08", "target"]
    svarsservice = find_row(table, "indicator:svarsservice")
    assert texts(svarsservice, years) == ["I.U.", "90 %", "91 %", "92 %"]
    assert svarsservice.cells["2020-08"].status == "partly_met"
    assert svarsservice.cells["goal"].text == ""  # the goal is named on its first row
    assert table.rows[0].cells["goal"].text == "God service"
    tappade = find_row(table, "indicator:tappade-samtal")
    assert texts(tappade, years) == ["I.U.", "6,5 %", "5,2 %", "<5 %"]
    assert tappade.cells["2020-08"].status == "partly_met"
    assert texts(find_row(table, "indicator:svarsservice-hr-direkt"), years) == [
        "I.U.",
        "I.U.",
        "100 %",
        "90 %",
    ]
    group = find_row(table, "indicator:kundnojdhet")
    assert group.role == "group" and texts(group, years) == ["", "", "", ""]
    lkdata = find_row(table, "indicator:kundnojdhet-lkdata")
    assert (lkdata.label, lkdata.role, lkdata.level) == ("LKDATA", "sub", 1)
    assert texts(lkdata, years) == ["I.U.", "I.U.", "95 %", "90 %"]
    assert lkdata.cells["2020-08"].status == "met"
    kontakt = find_row(table, "indicator:kundnojdhet-kontakt")
    assert texts(kontakt, years) == ["I.U.", "I.U.", "4,1", ""]
    assert kontakt.cells["2020-08"].status == ""  # no target, no status
    stadsarkivet = find_row(table, "indicator:kundnojdhet-stadsarkivet")
    assert texts(stadsarkivet, years) == ["I.U.", "I.U.", "I.U.", ""]
    assert stadsarkivet.cells["2020-08"].value is None  # I.U., never 0
    assert texts(find_row(table, "indicator:besok-stadsarkivet-studiebesok"), years) == [
        "30",
        "29",
        "24",
        "90",
    ]
    assert texts(find_row(table, "indicator:besok-stadsarkivet-forskarbesok"), years) == [
        "40",
        "74",
        "8",
        "30",
    ]


def test_ekonomi_tables(tables_by_key):
    years = ["2018", "2019", "2020-08", "target"]
    inköp = tables_by_key["indicators-kostnadseffektiv"]
    assert texts(find_row(inköp, "indicator:avtalstrohet"), years) == [
        "I.U.",
        "I.U.",
        "74 % (leverantörstrohet)",
        "90 %",
    ]
    assert texts(find_row(inköp, "indicator:e-handelstrohet"), years) == [
        "I.U.",
        "I.U.",
        "74 %",
        "90 %",
    ]
    kontroll = tables_by_key["indicators-hallbar-ekonomi"]
    resultat = find_row(kontroll, "indicator:forvaltningens-resultat")
    assert texts(resultat, years) == ["I.U.", "I.U.", "8 486 tkr", "Nollresultat"]
    assert resultat.cells["2020-08"].status == "met"  # a surplus meets Nollresultat
    assert texts(find_row(kontroll, "indicator:arendevolym-stadsarkivet"), years) == [
        "593",
        "598",
        "463",
        "700",
    ]
    assert texts(find_row(kontroll, "indicator:arendevolym-lkdata-support"), years) == [
        "I.U.",
        "59 187",
        "42 357",
        "65 000",
    ]
    # The reference prints "166760" here without its thousands space; the table prints every
    # count alike.
    assert texts(find_row(kontroll, "indicator:arendevolym-kontakt"), years) == [
        "I.U.",
        "I.U.",
        "166 760",
        "220 000",  # the target as typed, in the glossary's format
    ]
    assert texts(find_row(kontroll, "indicator:arendevolym-hr-direkt"), years) == [
        "I.U.",
        "I.U.",
        "1 452",
        "1 600",
    ]


def test_verksamhet_table(tables_by_key):
    years = ["2018", "2019", "2020-08", "target"]
    table = tables_by_key["indicators-effektiv-organisation"]
    assert texts(find_row(table, "indicator:strategiska-dialoger"), years) == [
        "I.U.",
        "I.U.",
        "86 %",
        "90 %",
    ]
    direktörer = find_row(table, "indicator:dialoger-direktorer")
    assert texts(direktörer, years) == ["I.U.", "I.U.", "0 %", "100 %"]
    assert direktörer.cells["2020-08"].status == "not_met"
    assert texts(find_row(table, "indicator:nya-tjanster"), years) == ["I.U.", "I.U.", "1", "4"]
    assert texts(find_row(table, "indicator:kvalitetsmatt-hr-service"), years) == [
        "I.U.",
        "I.U.",
        "2,11",
        "2,0",
    ]
    assert texts(find_row(table, "indicator:kvalitetsmatt-kontakt"), years) == [
        "I.U.",
        "I.U.",
        "43,3 %",
        "",
    ]
    chatt = find_row(table, "indicator:chatt-andel")
    assert texts(chatt, years) == ["I.U.", "I.U.", "2,2 %", "5 %"]
    assert chatt.cells["goal"].text == "Hög digitaliseringsgrad"
    assert chatt.cells["2020-08"].status == "not_met"


def test_medarbetare_tables_with_gender_rows(tables_by_key):
    years = ["2018", "2019", "2020-08", "target"]
    table = tables_by_key["indicators-attraktiv-arbetsgivare"]
    sjuk = find_row(table, "indicator:sjukfranvaro")
    assert texts(sjuk, years) == ["6,2", "3,8", "4,3", "3,5"]
    assert sjuk.cells["2020-08"].status == "partly_met"
    men, women = (
        find_row(table, "indicator:sjukfranvaro:M"),
        find_row(table, "indicator:sjukfranvaro:K"),
    )
    assert (men.label, men.role, women.label) == ("Män", "sub", "Kvinnor")
    assert table.rows.index(men) == table.rows.index(sjuk) + 1
    assert table.rows.index(women) == table.rows.index(sjuk) + 2
    assert texts(men, years) == ["4,8", "3,8", "2,7", ""]
    assert texts(women, years) == ["7,6", "3,7", "5,6", ""]
    # values printed as written where the indicator has no fixed decimals
    assert texts(find_row(table, "indicator:heltidsanstallningar"), years) == [
        "98,6",
        "98,8",
        "99",
        "99",
    ]
    assert texts(find_row(table, "indicator:heltidsanstallningar:M"), years)[:3] == [
        "100",
        "100",
        "98,9",
    ]
    assert texts(find_row(table, "indicator:chefers-sjukfranvaro"), years) == [
        "0,9",
        "2,0",
        "6,4",
        "2,0",
    ]
    assert texts(find_row(table, "indicator:chefers-sjukfranvaro:M"), years)[:3] == [
        "0,91",
        "2,23",
        "0,79",
    ]
    assert texts(find_row(table, "indicator:chefers-sjukfranvaro:K"), years)[:3] == [
        "0,74",
        "1,82",
        "10,54",
    ]
    assert texts(find_row(table, "indicator:hme"), years) == ["I.U.", "I.U.", "68", "78"]
    kompetens = tables_by_key["indicators-hallbar-kompetensforsorjning"]
    assert texts(find_row(kompetens, "indicator:personalomsattning"), years) == [
        "2,1",
        "5,3",
        "6,7",
        "6,0",
    ]
    assert texts(find_row(kompetens, "indicator:personalomsattning:M"), years)[:3] == [
        "1,4",
        "4,0",
        "8,4",
    ]
    assert texts(find_row(kompetens, "indicator:mertid-overtid"), years) == [
        "0,3",
        "0,2",
        "0,3",
        "0,2",
    ]


def test_every_table_of_the_reference_is_there(tables_by_key):
    assert list(tables_by_key) == [
        "indicators-valfard",
        "indicators-kostnadseffektiv",
        "indicators-hallbar-ekonomi",
        "indicators-effektiv-organisation",
        "indicators-attraktiv-arbetsgivare",
        "indicators-hallbar-kompetensforsorjning",
    ]
    # core volumes and personnel-only figures are not board indicators
    refs = {row.ref for table in tables_by_key.values() for row in table.rows}
    assert "indicator:arenden-kontakt" not in refs
    assert "indicator:tillsvidareanstallda" not in refs


def test_core_volumes(period_2020_08):
    table = core_volumes(period_2020_08)
    assert [c.label for c in table.columns] == ["Prognos 2020", "Augusti 2020", "Augusti 2019"]
    keys = ["forecast", "period", "previous"]
    assert [(r.label, texts(r, keys)) for r in table.rows] == [
        ("Ärenden Kontakt Linköping", ["250 000", "166 760", "N/A"]),
        ("Varav chatt", ["5 000", "2 175", "N/A"]),
        ("Ärenden LKDATA support", ["70 000", "42 253", "40 578"]),
        ("Ärenden Stadsarkivet", ["700", "463", "373"]),
    ]
    assert table.rows[1].role == "of_which"
    assert table.rows[0].cells["previous"].value is None


def test_personnel(period_2020_08):
    table = personnel(period_2020_08)
    assert [c.label for c in table.columns] == ["Augusti 2020", "Augusti 2019", "Målvärde helår"]
    keys = ["period", "previous", "target"]
    assert [(r.label, texts(r, keys)) for r in table.rows] == [
        ("Antal tillsvidare anställda", ["195", "170", "-"]),
        ("Total sjukfrånvaro", ["4,3", "3,8", "3,5"]),
        ("Extern personalomsättning", ["6,7", "5,3", "6,0"]),
    ]
    assert table.rows[1].cells["period"].status == "partly_met"

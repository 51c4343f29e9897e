import pytest

from tertial.reports.definition import (
    DEFAULT_DEFINITION,
    ReportDefinitionError,
    default_definition,
    definition_for,
    parse_definition,
)


def test_default_definition_follows_the_reference():
    definition = default_definition()
    top = [spec.title for spec in definition.sections]
    assert top == [
        "Förvaltningens uppdrag",
        "Förvaltningschefens bedömning och analys",
        "Samlad bedömning och analys av ekonomi, verksamhet och personal",
        "Ekonomi",
        "Verksamhet",
        "Personal",
        "Viktiga beslut och händelser",
        "Ekonomi per verksamhet och slag",  # the reference's second "Ekonomi", named apart
        "Uppföljning av mål och inriktning",
        "Uppföljning av planer och program",
        "Uppföljning av nämndindikatorer",
    ]
    levels = {spec.id: level for spec, level in definition.walk()}
    assert levels["result_to_date"] == 3
    assert levels["corona_effects"] == 2
    assert definition.cover and definition.toc
    assert len(set(top)) == len(top)


def test_organisation_without_definition_gets_the_default():
    assert definition_for({}) == default_definition()
    assert definition_for({"forecast_comment_threshold_kr": 1}) == default_definition()


def test_an_annual_report_reuses_sections_reorders_and_renames_them():
    definition = parse_definition(
        {
            "name": "årsrapport",
            "title": "Årsrapport {year}",
            "toc": False,
            "sections": [
                {"use": "economy", "title": "Ekonomi {year}"},
                "mission",
                {
                    "id": "own",
                    "title": "Egen text",
                    "content": ["goal_follow_up", {"text": "own_key", "title": "Rubrik"}],
                },
            ],
        }
    )
    assert [s.id for s in definition.sections] == ["economy", "mission", "own"]
    assert definition.sections[0].title == "Ekonomi {year}"
    assert definition.sections[0].content[0].argument == "economy_summary"
    assert definition.sections[2].content[1].title == "Rubrik"
    assert definition.toc is False and definition.title == "Årsrapport {year}"


def test_every_problem_is_listed_with_where_it_is():
    with pytest.raises(ReportDefinitionError) as error:
        parse_definition(
            {
                "colour": "red",
                "sections": [
                    {"id": "a", "title": "A", "content": [{"table": "no_such_table"}]},
                    {"id": "a", "title": "B {quarter}", "content": ["plans"]},
                    {"use": "nonexistent"},
                    {"id": "c", "title": "", "content": [{"text": ""}]},
                    {"id": "d", "title": "D"},
                    {
                        "id": "e",
                        "title": "E",
                        "sections": [
                            {
                                "id": "f",
                                "title": "F",
                                "sections": [
                                    {
                                        "id": "g",
                                        "title": "G",
                                        "sections": [
                                            {"id": "h", "title": "H", "content": ["plans"]}
                                        ],
                                    }
                                ],
                            }
                        ],
                    },
                    {"id": "i", "title": "I", "content": [{"plans": True, "events": True}]},
                ],
            }
        )
    problems = "\n".join(error.value.problems)
    assert "report: okända nycklar colour" in problems
    assert "report.sections[0].content[0]: okänd table 'no_such_table'" in problems
    assert "report.sections[1]: id 'a' används mer än en gång" in problems
    assert "okänd platshållare {quarter}" in problems
    assert "use: 'nonexistent' finns inte" in problems
    assert "report.sections[3]: rubriken (title) saknas" in problems
    assert "report.sections[3].content[0]: text behöver ett namn" in problems
    assert "report.sections[4]: avsnittet 'D' har varken innehåll" in problems
    assert (
        "report.sections[5].sections[0].sections[0].sections[0]: avsnitt kan bara ligga 3"
        in problems
    )
    assert "report.sections[6].content[0]: ange precis ett slags innehåll" in problems


def test_the_built_in_definition_is_not_changed_by_overrides():
    before = repr(DEFAULT_DEFINITION)
    parse_definition({"sections": [{"use": "economy", "title": "Annat"}]})
    assert repr(DEFAULT_DEFINITION) == before


def test_every_table_a_definition_may_name_is_built():
    from tertial.reports.build import TABLE_FUNCTIONS
    from tertial.reports.definition import CHARTS, TABLES

    assert set(TABLE_FUNCTIONS) == set(TABLES)
    assert set(CHARTS) <= set(TABLES)


def test_a_table_or_chart_names_its_excel_sheet_and_a_bad_name_is_refused():
    definition = parse_definition(
        {"sections": [{"id": "a", "title": "A", "content": [{"table": "personnel", "sheet": "P"}]}]}
    )
    assert definition.sections[0].content[0].sheet == "P"
    with pytest.raises(ReportDefinitionError) as error:
        parse_definition(
            {
                "sections": [
                    {
                        "id": "a",
                        "title": "A",
                        "content": [
                            {"table": "personnel", "sheet": "x" * 32},
                            {"chart": "cost_by_kind", "sheet": "a/b"},
                            {"text": "mission", "sheet": "Text"},
                        ],
                    }
                ]
            }
        )
    assert len(error.value.problems) == 3
    assert "högst 31 tecken" in error.value.problems[0]

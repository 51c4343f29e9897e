from tertial.reports.places import headings_of, places_of


def test_places_follow_the_organisations_own_definition(vss, period_2020_08):
    vss.settings = {
        **(vss.settings or {}),
        "report": {
            "name": "tertialrapport",
            "sections": [
                {
                    "id": "result",
                    "title": "Resultat {year}",
                    "content": [
                        {"table": "operating_summary"},
                        {"text": "after_summary", "title": "Kommentar"},
                        {"chart": "cost_by_kind"},
                        {"text": "after_costs", "title": "Kommentar"},
                    ],
                    "sections": [
                        {"id": "events", "title": "Händelser", "content": [{"events": True}]}
                    ],
                },
                {"id": "plans", "title": "Planer", "content": [{"plans": True}]},
            ],
        },
    }
    vss.save()
    period_2020_08.refresh_from_db()
    places = places_of(period_2020_08)
    assert set(places) == {
        "table:operating_summary",
        "text:after_summary",
        "text:after_costs",
        "events",
        "plans",
    }
    assert places["text:after_summary"].path == ("Resultat 2020",)
    assert places["events"].heading == "Resultat 2020 › Händelser"
    assert places["text:after_summary"].order < places["text:after_costs"].order
    headings = headings_of(places)
    assert headings["text:after_summary"] == (
        "Resultat 2020 › Kommentar, efter tabellen över driftsammandraget"
    )
    assert headings["text:after_costs"] == (
        "Resultat 2020 › Kommentar, efter diagrammet över kostnaderna per slag"
    )
    assert headings["plans"] == "Planer"

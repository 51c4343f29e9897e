import re

from tertial.narrative.models import NarrativeSection


def _headings(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", h).strip()
        for h in re.findall(r"<h3 id=\"sec-\d+\">(.*?)</h3>", html, re.S)
    ]


def test_every_text_box_says_where_in_the_report_it_goes(people, period_2020_08, url, login):
    html = login(people.head).get(url("texts", period_2020_08)).content.decode()
    headings = _headings(html)
    assert (
        len(headings)
        == len(set(headings))
        == NarrativeSection.objects.filter(period=period_2020_08).count()
    )
    deviations = [h for h in headings if h.endswith("Väsentliga avvikelser")]
    assert deviations == [
        "Ekonomi › Väsentliga avvikelser",
        "Verksamhet › Basuppdrag › Väsentliga avvikelser",
        "Personal › Väsentliga avvikelser",
    ]
    analyses = [h for h in headings if "Analys och kommentar" in h]
    assert len(analyses) >= 2 and all(", efter diagrammet" in h for h in analyses[:2])


def test_the_controller_writes_instructions_the_writer_reads(people, period_2020_08, url, login):
    section = NarrativeSection.objects.filter(period=period_2020_08, key="mission").get()
    data = {
        "form": f"section-{section.pk}",
        "base_version": str(section.version),
        "body": section.body,
        "instructions": "Beskriv uppdraget med högst tre meningar.",
    }
    action = url("text_section", period_2020_08, section.pk)
    # The head writes the text but not what writers are asked: the instructions stay.
    assert login(people.head).post(action, data).status_code == 302
    section.refresh_from_db()
    assert section.instructions == "" and section.version == 2
    assert login(people.controller).post(action, {**data, "base_version": "2"}).status_code == 302
    section.refresh_from_db()
    assert section.instructions == "Beskriv uppdraget med högst tre meningar."

    head_page = login(people.head).get(url("texts", period_2020_08)).content.decode()
    assert "Beskriv uppdraget med högst tre meningar." in head_page
    assert f'id="id_section-{section.pk}_instructions"' not in head_page
    controller_page = login(people.controller).get(url("texts", period_2020_08)).content.decode()
    assert f'id="id_section-{section.pk}_instructions"' in controller_page

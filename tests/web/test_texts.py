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


def test_a_unit_given_a_text_writes_it_until_it_hands_in(
    people, period_2020_08, url, login, forecast_form
):
    from tertial.narrative.models import PlanFollowUp
    from tertial.workflow import services as workflow

    section = NarrativeSection.objects.filter(period=period_2020_08, key="mission").get()
    action = url("text_section", period_2020_08, section.pk)
    data = {
        "form": f"section-{section.pk}",
        "base_version": str(section.version),
        "body": "",
        "instructions": "",
        "unit": str(people.lkdata.pk),
    }
    # The controller gives the section to LKDATA to write.
    assert login(people.controller).post(action, data).status_code == 302
    section.refresh_from_db()
    assert section.unit == people.lkdata
    mine = {"form": data["form"], "base_version": str(section.version), "body": "Vårt uppdrag."}
    # Allowed: LKDATA's head; not: another unit's head, a reader, an outsider.
    assert login(people.kontakt_head).post(action, mine).status_code == 403
    assert login(people.reader).post(action, mine).status_code == 403
    assert login(people.outsider).post(action, mine).status_code == 404
    unit_page = login(people.lkdata_head).get(url("unit", period_2020_08, people.lkdata.pk))
    assert "Texter att skriva" in unit_page.content.decode()
    assert "Texten Förvaltningens uppdrag är inte skriven." in unit_page.content.decode()
    texts_page = login(people.lkdata_head).get(url("texts", period_2020_08)).content.decode()
    assert f'id="id_section-{section.pk}_body"' in texts_page
    assert "Skrivs av LKDATA" in texts_page
    # The unit head cannot hand in before the text is written, then writes it.
    login(people.lkdata_head).post(
        url("unit_forecast", period_2020_08, people.lkdata.pk),
        forecast_form(people.lkdata, period_2020_08),
    )
    assert workflow.missing_for_submission(people.lkdata, period_2020_08)
    assert login(people.lkdata_head).post(action, mine).status_code == 302
    section.refresh_from_db()
    assert section.body == "Vårt uppdrag." and section.unit == people.lkdata
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    # Handed in: the text is the reviewer's now.
    again = {**mine, "base_version": str(section.version), "body": "Ändrat."}
    refused = login(people.lkdata_head).post(action, again, follow=True)
    assert "Verksamheten är inlämnad" in refused.content.decode()
    section.refresh_from_db()
    assert section.body == "Vårt uppdrag."
    # Plans likewise: given to a unit by the controller, written by its head.
    plan = PlanFollowUp.objects.filter(period=period_2020_08).first()
    plan_action = url("text_plan", period_2020_08, plan.pk)
    given = {
        "form": f"plan-{plan.pk}",
        "base_version": str(plan.version),
        "title": plan.title,
        "body": plan.body,
        "unit": str(people.kontakt.pk),
    }
    assert login(people.controller).post(plan_action, given).status_code == 302
    plan.refresh_from_db()
    written = {
        "form": f"plan-{plan.pk}",
        "base_version": str(plan.version),
        "title": plan.title,
        "body": "Planen följs.",
    }
    assert login(people.lkdata_head).post(plan_action, written).status_code == 403
    assert login(people.kontakt_head).post(plan_action, written).status_code == 302
    plan.refresh_from_db()
    assert plan.body == "Planen följs." and plan.unit == people.kontakt
    assert (
        login(people.kontakt_head).post(url("text_plan_add", period_2020_08), written).status_code
        == 403
    )

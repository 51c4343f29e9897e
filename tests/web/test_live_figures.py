"""The texts page: a list of the report's figures to insert, and the current value of each
figure a text names."""

from tertial.narrative.models import NarrativeSection
from tertial.narrative.services import save_section

CODE = "{siffra:operating_summary/unit:1800/actual}"


def test_the_writer_sees_the_figures_to_insert_and_the_value_a_text_shows_now(
    people, period_2020_08, url, login
):
    section = NarrativeSection.objects.filter(period=period_2020_08).first()
    save_section(section, body=f"LKDATA redovisar {CODE} tkr.", actor=people.controller)
    html = login(people.controller).get(url("texts", period_2020_08)).content.decode()
    assert f'data-code="{CODE}"' in html  # an insert button
    assert f"<code>{CODE}</code> = <strong>7\u00a0190</strong>" in html
    assert "web/figures.js" in html


def test_a_reader_who_cannot_write_gets_no_figures_to_insert(people, period_2020_08, url, login):
    html = login(people.reader).get(url("texts", period_2020_08)).content.decode()
    assert "insert-figure" not in html


def test_a_text_naming_no_figure_says_so_in_the_editor(people, period_2020_08, url, login):
    section = NarrativeSection.objects.filter(period=period_2020_08).first()
    save_section(section, body="{siffra:operating_summary/unit:0000/actual}", actor=people.admin)
    html = login(people.controller).get(url("texts", period_2020_08)).content.decode()
    assert "ingen sådan siffra" in html

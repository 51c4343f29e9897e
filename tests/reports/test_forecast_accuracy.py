"""The forecast accuracy table in a report definition, drawn by every renderer."""

import io

import docx
import openpyxl

from tertial.core.formatting import normalise_spaces
from tertial.organisation.models import Period
from tertial.reports.build import build_report
from tertial.reports.checks import check_sums
from tertial.reports.excel import render_xlsx
from tertial.reports.html import render_html
from tertial.reports.places import places_of
from tertial.reports.word import render_docx


def test_a_definition_places_the_forecast_accuracy_table_and_every_format_draws_it(
    vss, period_2020_08
):
    vss.settings = {
        **vss.settings,
        "report": {
            "sections": [
                {
                    "id": "accuracy",
                    "title": "Prognossäkerhet",
                    "content": [
                        {"table": "forecast_accuracy"},
                        {"text": "accuracy_analysis", "title": "Analys"},
                    ],
                }
            ]
        },
    }
    vss.save()
    period = Period.objects.get(pk=period_2020_08.pk)
    report = build_report(period)
    (table,) = [t for t in report.tables() if t.key == "forecast_accuracy"]
    assert table.title == "Prognossäkerhet 2020"
    assert not check_sums(report)
    html = normalise_spaces(render_html(report))
    assert "Prognossäkerhet 2020" in html and "Summa Delårsrapport januari–augusti 2020" in html
    words = "\n".join(
        cell.text
        for t in docx.Document(io.BytesIO(render_docx(report))).tables
        for row in t.rows
        for cell in row.cells
    )
    assert "Summa Delårsrapport januari–augusti 2020" in words
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    values = {c.value for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Prognossäkerhet 2020" in values
    # The texts page tells a writer the analysis follows the table.
    assert "prognossäkerheten" in places_of(period)["text:accuracy_analysis"].after

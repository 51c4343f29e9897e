"""A report is Swedish whatever language the web app is used in."""

from django.utils import translation

from tertial.reports.build import build_report
from tertial.reports.html import render_html


def test_report_is_swedish_under_english_and_english_is_kept_after(period_2020_08):
    with translation.override("en"):
        html = render_html(build_report(period_2020_08))
        assert translation.get_language() == "en"
    assert 'lang="sv"' in html
    assert "Driftsammandrag" in html
    assert "uppnås delvis" in html
    assert "partly met" not in html

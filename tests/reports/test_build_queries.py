"""Building a report reads each economy figure once, however many tables show it."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tertial.reports.build import build_report


def test_report_build_repeats_no_economy_query(period_2020_08):
    with CaptureQueriesContext(connection) as queries:
        report = build_report(period_2020_08)
    assert report.sections
    economy = Counter(q["sql"] for q in queries.captured_queries if '"economy_' in q["sql"])
    assert economy
    assert [sql for sql, count in economy.items() if count > 1] == []

"""Building a report reads each shared figure once, however many tables show it."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tertial.reports.build import build_report

# the economy's sums, and the goals and assessments both goal tables start from
SHARED = ('"economy_', 'FROM "goals_boardgoal"', 'FROM "goals_assessment"')


def test_report_build_repeats_no_shared_query(period_2020_08):
    with CaptureQueriesContext(connection) as queries:
        report = build_report(period_2020_08)
    assert report.sections
    counts = Counter(
        q["sql"] for q in queries.captured_queries if any(part in q["sql"] for part in SHARED)
    )
    assert {part for part in SHARED if any(part in sql for sql in counts)} == set(SHARED)
    assert [sql for sql, count in counts.items() if count > 1] == []

import pytest

from tertial.goals.models import BoardGoal
from tertial.goals.statuses import propose_assessments
from tertial.web.charts import trend_svg

pytestmark = pytest.mark.django_db


def test_trend_chart_escapes_and_skips_missing_values():
    from decimal import Decimal

    svg = trend_svg(
        [("2018", None), ("2019", Decimal(90)), ("<b>", Decimal(91))],
        Decimal(92),
        'Trend "x" <script>',
    )
    assert "<script>" not in svg and "&lt;b&gt;" in svg
    assert svg.count("<circle") == 2 and "stroke-dasharray" in svg
    assert trend_svg([("2018", None)], None, "t") == ""


def test_goal_page_shows_the_services_proposal(client, people, period_2020_08):
    from django.urls import reverse

    from tertial.goals.models import STATUS_LABELS

    client.force_login(people.reader)
    goals = list(BoardGoal.objects.filter(fiscal_year=period_2020_08.fiscal_year))
    assert len(goals) == 9
    for goal in goals:
        page = client.get(reverse("goal", args=["vss", "2020-08", goal.pk]))
        expected = propose_assessments([goal], period_2020_08)[goal.pk]
        assert page.context["proposed"] == expected
        assert str(STATUS_LABELS[expected]) in page.content.decode()

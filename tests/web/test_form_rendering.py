"""The web forms render through Jinja2 (tertial.web.forms.RENDERER), faster than Django's
template engine: the HTML must be the same but for white space."""

import re

import pytest
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from tertial.goals.models import Indicator
from tertial.web.forms import (
    RENDERER,
    AssessmentForm,
    DeadlinesForm,
    DecisionEventForm,
    ForecastForm,
    IndicatorValueForm,
    SectionForm,
)


def _same_but_space(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _forms():
    split = Indicator(pk=7, code="K1", name="Andel", gender_split=True, measure="percent")
    return [
        lambda r: ForecastForm(
            initial={"form": "forecast", "base_version": "3", "net_result": "1 200"}, renderer=r
        ),
        lambda r: ForecastForm(
            {"form": "forecast", "net_result": "tolv", "comment": "<b>hej</b>"}, renderer=r
        ),
        lambda r: AssessmentForm(
            initial={"form": "assessment", "value": "met", "justification": "Ja."}, renderer=r
        ),
        lambda r: AssessmentForm({"form": "assessment", "value": "nej"}, renderer=r),
        lambda r: IndicatorValueForm(
            initial={"form": "indicator-7", "value": "4,5", "women": "5"},
            indicator=split,
            renderer=r,
        ),
        lambda r: IndicatorValueForm(
            {"form": "indicator-7", "value": "mycket"}, indicator=split, renderer=r
        ),
        lambda r: DeadlinesForm({"unit_deadline": "2020-13-40"}, renderer=r),
        lambda r: SectionForm(initial={"form": "section-1", "body": "Text"}, renderer=r),
        lambda r: DecisionEventForm({"form": "event-new", "kind": "x"}, renderer=r),
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("number", range(len(_forms())))
def test_the_web_forms_render_as_with_djangos_templates(language, number):
    make = _forms()[number]
    with translation.override(language):
        fast = make(None)
        assert fast.renderer is RENDERER
        if fast.is_bound:
            assert not fast.is_valid()
        expected = make(DjangoTemplates()).as_div()
        assert _same_but_space(fast.as_div()) == _same_but_space(expected)

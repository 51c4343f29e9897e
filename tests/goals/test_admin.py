"""The goals admin: pages open, formulas and targets are checked before they are saved."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tertial.goals.admin import IndicatorForm
from tertial.goals.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    ["perspective", "councilgoal", "boardgoal", "indicator", "indicatorvalue", "assessment"],
)
def test_changelists_open(admin_client, vss, model):
    response = admin_client.get(reverse(f"admin:goals_{model}_changelist"))
    assert response.status_code == 200


def test_indicator_page_opens_with_its_targets(admin_client, vss):
    indicator = Indicator.objects.get(organisation=vss, code="tappade-samtal")
    response = admin_client.get(reverse("admin:goals_indicator_change", args=[indicator.pk]))
    assert response.status_code == 200
    assert "&lt;5 %" in response.content.decode() or "<5 %" in response.content.decode()


def form_for(indicator, formula):
    data = {
        field: getattr(indicator, field)
        for field in ["code", "name", "measure", "direction", "sort_order", "kolada_kpi"]
    }
    data.update(organisation=indicator.organisation_id, formula=formula)
    return IndicatorForm(data=data, instance=indicator)


def test_formula_referring_to_an_unknown_indicator_is_refused(vss):
    form = form_for(Indicator.objects.get(organisation=vss, code="chatt-andel"), "chatt / alla")
    assert not form.is_valid()
    assert "unknown indicator 'chatt'" in form.errors["formula"][0]


def test_formula_cycle_is_refused(vss):
    other = Indicator.objects.get(organisation=vss, code="arenden-kontakt")
    other.formula = "chatt-andel * 2"
    other.save()
    form = form_for(
        Indicator.objects.get(organisation=vss, code="chatt-andel"), "arenden-kontakt / 2"
    )
    assert not form.is_valid()
    assert "arenden-kontakt → chatt-andel → arenden-kontakt" in form.errors["formula"][0]


def test_good_formula_is_accepted(vss):
    form = form_for(
        Indicator.objects.get(organisation=vss, code="chatt-andel"),
        "arenden-kontakt-chatt / arenden-kontakt * 100",
    )
    assert form.is_valid(), form.errors


def test_target_text_is_parsed_and_a_bad_one_refused(vss):
    from tertial.goals.admin import IndicatorTargetForm
    from tertial.goals.models import IndicatorTarget

    indicator = Indicator.objects.get(organisation=vss, code="tappade-samtal")
    form = IndicatorTargetForm(
        data={"year": 2021, "text": "≤ 4,5 %"}, instance=IndicatorTarget(indicator=indicator)
    )
    assert form.is_valid(), form.errors
    target = form.save()
    assert (target.comparator, target.value) == ("at_most", Decimal("4.5"))
    bad = IndicatorTargetForm(
        data={"year": 2022, "text": "fem procent"}, instance=IndicatorTarget(indicator=indicator)
    )
    assert not bad.is_valid()
    assert "kan inte läsa målvärdet" in bad.errors["text"][0]

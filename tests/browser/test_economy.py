"""The economy pages in a browser, with axe-core on each: the controller sets a budget by a
periodisation key, a unit head gives the forecast per account class and sees the unit's
months as a chart with its data, the dashboard shows the forecast accuracy, and an
indicator's page its comparison in Kolada."""

from pathlib import Path

import pytest

from tertial.core.formatting import normalise_spaces
from tertial.economy.models import BudgetEntry, Forecast
from tertial.goals.models import Indicator, KoladaValue
from tertial.organisation.models import Unit
from tests.browser.test_walk import Visitor

NATIONAL = Path(__file__).parent.parent / "ingest" / "fixtures" / "kolada" / "data-national.json"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_budget_forecast_per_class_accuracy_and_kolada_in_a_browser(
    browser, live_server, example, screens
):
    organisation, credentials = example
    password = credentials["password"]
    lkdata = Unit.objects.get(organisation=organisation, code="1800")

    controller = Visitor(browser, live_server, screens)
    controller.log_in("controller", password)
    controller.go("/org/vss/2020-08/imports/")
    controller.page.get_by_role("link", name="Budget per periodiseringsnyckel").click()
    controller.check()
    page = controller.page
    page.get_by_label("Verksamhet").select_option(label=lkdata.name)
    page.get_by_label("Kontoklass").select_option(label="Lokalkostnader")
    page.get_by_label("Budget helår (tkr)").fill("1 200")
    page.get_by_label("Egen nyckel: tolv vikter").check()
    page.get_by_label("Egna vikter (jan–dec)").fill("1 1 1 1 1 1 0 1 1 1 1 1")
    page.get_by_role("button", name="Spara budgeten").click()
    controller.check("budget")
    assert "är sparad" in page.content()
    july = BudgetEntry.objects.get(unit=lkdata, account_class__code="premises", year=2020, month=7)
    assert july.amount == 0
    controller.close()

    head = Visitor(browser, live_server, screens)
    head.log_in("lkdata", password)
    head.go(f"/org/vss/2020-08/unit/{lkdata.pk}/")
    page = head.page
    page.get_by_text("Ange prognosen per kontoklass").click()
    page.get_by_label("Försäljning av verksamhet (tkr)").fill("180 000")
    page.get_by_label("Personalkostnader (tkr)").fill("100 000")
    page.get_by_label("Licenser och IT-tjänster (tkr)").fill("76 000")
    page.get_by_role("button", name="Spara prognos per kontoklass").click()
    head.check("unit-forecast-by-class")
    assert Forecast.objects.get(unit=lkdata, period__key="2020-08").net_result == 4_000_000
    text = normalise_spaces(page.content())
    assert "Prognos helår 2020 per kontoklass" in text
    page.get_by_text("Diagrammets data").click()
    assert page.get_by_role("img", name="LKDATA 2020 månad för månad").is_visible()

    head.go("/org/vss/2020-08/")
    assert page.get_by_role("heading", name="Prognossäkerhet").is_visible()
    head.check("dashboard-accuracy")

    indicator = Indicator.objects.filter(organisation=organisation).first()
    indicator.kolada_kpi = "N00945"
    indicator.save()
    organisation.settings = {**organisation.settings, "kolada_municipality": "0580"}
    organisation.save()
    for municipality, value in (("0580", "3.75"), ("0180", "7.3")):
        KoladaValue.objects.create(
            kpi="N00945", municipality=municipality, year=2019, gender="T", value=value
        )
    # The national values from a file of Kolada's answer, on the import page.
    kolada = Visitor(browser, live_server, screens)
    kolada.log_in("controller", password)
    kolada.go("/org/vss/2020-08/imports/")
    kolada.page.get_by_label("Kolada-svar (JSON)").set_input_files(str(NATIONAL))
    kolada.page.get_by_role("button", name="Läs in från Kolada").click()
    kolada.check("kolada-import")
    assert "är inläst från Kolada" in kolada.page.content()
    kolada.close()
    head.go(f"/org/vss/2020-08/indicator/{indicator.pk}/", "indicator-kolada")
    assert page.get_by_role("heading", name="Jämförelse i Kolada").is_visible()
    assert "Riket" in page.content()
    head.close()

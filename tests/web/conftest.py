"""What the web tests share: addresses of pages and actions, signed-in clients, forms as the
pages fill them."""

from types import SimpleNamespace

import pytest

from tertial.audit.history import version_of
from tertial.economy.models import Forecast
from tertial.goals.services import value_rows, values_version


@pytest.fixture
def forecast_of():
    """``forecast_of(unit, period)``: the unit's forecast as its values, so that two readings
    compare by what they hold."""

    def read(unit, period):
        forecast = Forecast.objects.get(unit=unit, period=period)
        return SimpleNamespace(
            version=forecast.version,
            net_result=forecast.net_result,
            comment=forecast.comment,
            updated_by=forecast.updated_by,
        )

    return read


@pytest.fixture
def forecast_form():
    """``forecast_form(unit, period, net_tkr, comment)``: the forecast form as the unit's
    page fills it now, with a new net result and comment."""

    def fields(unit, period, net_tkr="2 700", comment="Ny prognos."):
        return {
            "form": "forecast",
            "base_version": version_of(Forecast.objects.filter(unit=unit, period=period).first()),
            "net_result": net_tkr,
            "revenues": "",
            "costs": "",
            "comment": comment,
        }

    return fields


@pytest.fixture
def value_form():
    """``value_form(indicator, period, **fields)``: an indicator's value form as a page fills
    it now, with the fields given."""

    def fields(indicator, period, **typed):
        rows = value_rows(indicator, period.year, period.end_month)
        return {
            "form": f"indicator-{indicator.pk}",
            "base_version": values_version(rows),
            "value": "",
            "note": "",
            **typed,
        }

    return fields

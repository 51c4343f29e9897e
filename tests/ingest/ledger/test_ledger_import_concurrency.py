"""A ledger import while people save forecasts, on PostgreSQL (issue 14 item 3).

Each thread works on a connection of its own, outside the test's transaction, so what they
see is what they committed; the two organisations are created and deleted by the test.
SQLite has one writer at a time, so there the question does not arise.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from tertial.economy.models import Account, Forecast, ImportBatch, LedgerBalance
from tertial.economy.services import save_forecast
from tertial.ingest.ledger.importer import Progress, import_ledger
from tertial.organisation.models import Organisation, Period
from tests.ingest.ledger.helpers import AGRESSO_HEADER, agresso, create_organisation, write

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time"),
]

SLUGS = ("samtidig-a", "samtidig-b")


def _in_thread(work):
    """Run ``work`` on a connection of its own; its result, or the exception it raised."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as exc:  # reported by the test, not swallowed
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _create():
    periods = []
    for slug in SLUGS:
        organisation = create_organisation(slug)
        year = organisation.fiscal_years.get(year=2020)
        periods.append(
            Period.objects.create(fiscal_year=year, key="2020-08", kind="interim", end_month=8)
        )
    return periods


def _remove():
    for organisation in Organisation.objects.filter(slug__in=SLUGS):
        LedgerBalance.objects.filter(organisation=organisation).delete()
        ImportBatch.objects.filter(organisation=organisation).delete()
        Account.objects.filter(organisation=organisation).delete()
        organisation.delete()


def test_an_import_lets_saves_in_its_organisation_wait_and_in_another_run_at_once(
    tmp_path, settings
):
    settings.DATA_DIR = tmp_path / "data"
    thread, made = _in_thread(_create)
    thread.join(30)
    assert "error" not in made, made
    period_a, period_b = made["result"]
    path = write(
        tmp_path / "hb.csv",
        [AGRESSO_HEADER] + [f"2020{m:02d};5010;1100;;;{m}00,00;Lön" for m in range(1, 9)],
    )
    storing, saved_elsewhere = threading.Event(), threading.Event()

    def paused(percent, message):
        # Inside the import's transaction, after it replaced the months and before it
        # stores the new sums: the saves come now.
        if percent == 80:
            storing.set()
            saved_elsewhere.wait(20)
            time.sleep(0.5)  # the save in the import's organisation is waiting by now

    def save(period):
        def work():
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            unit = period.fiscal_year.organisation.units.get(code="1100")
            started = time.monotonic()
            save_forecast(
                unit, period, net_result=Decimal("-1000"), comment="Samtidigt.", actor=None
            )
            return time.monotonic() - started

        return work

    try:
        importer, imported = _in_thread(
            lambda: import_ledger(
                period_a.fiscal_year.organisation,
                path,
                mapping=agresso(),
                progress=Progress(shown=paused),
            )
        )
        assert storing.wait(30)
        other, in_other = _in_thread(save(period_b))
        other.join(10)
        saved_elsewhere.set()
        same, in_same = _in_thread(save(period_a))
        same.join(30)
        importer.join(60)
        assert "error" not in in_other, in_other
        assert in_other["result"] < 2, "a save in another organisation waited for the import"
        assert "error" not in in_same, in_same
        assert "error" not in imported, imported
        assert Forecast.objects.filter(period__in=[period_a, period_b]).count() == 2
        assert (
            LedgerBalance.objects.filter(organisation=period_a.fiscal_year.organisation).count()
            == 8
        )
    finally:
        saved_elsewhere.set()
        cleanup, _ = _in_thread(_remove)
        cleanup.join(60)

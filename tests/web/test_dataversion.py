"""The data version and the page parts kept under it: every kind of write raises the version,
and a kept part is never shown after the data changed."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse

from tertial.audit.history import version_of
from tertial.core.formatting import format_tkr
from tertial.economy.models import LedgerBalance
from tertial.economy.services import save_forecast
from tertial.goals.models import BoardGoal
from tertial.loading.storing import insert_rows
from tertial.narrative.models import DecisionEvent
from tertial.organisation.models import Unit
from tertial.web import dataversion
from tertial.web.models import DataVersion
from tertial.workflow.figures import unit_figures

pytestmark = pytest.mark.django_db


def test_the_watched_tables_are_tertials_and_the_users_not_sessions_or_tasks():
    tables = dataversion.watched_tables()
    assert {"economy_ledgerbalance", "goals_indicatorvalue", "auth_user"} <= set(tables)
    assert "goals_boardgoal_responsible_units" in tables  # many-to-many links too
    assert not {"django_session", "web_dataversion"} & set(tables)
    assert not [t for t in tables if t.startswith(("django_tasks", "axes_"))]


def _update(vss):
    Unit.objects.filter(organisation=vss).update(name="X")


def _delete(vss):
    DecisionEvent.objects.filter(period__fiscal_year__organisation=vss).delete()


def _many_to_many(vss):
    goal = BoardGoal.objects.filter(fiscal_year__organisation=vss).first()
    goal.responsible_units.add(*Unit.objects.filter(organisation=vss).exclude(board_goals=goal))


def _user(vss):
    get_user_model().objects.create_user(username="ny")


def _bulk_insert(vss):
    # The loader's path for the ledger: COPY on PostgreSQL, multi-row INSERT on SQLite.
    row = LedgerBalance.objects.filter(organisation=vss).first()
    fields = ["organisation_id", "unit_id", "account_id", "year", "month", "amount"]
    fields += ["activity", "project"]
    insert_rows(
        LedgerBalance,
        fields,
        [(vss.pk, row.unit_id, row.account_id, 2031, 1, Decimal("1.00"), "", "")],
    )


def _raw_sql(vss):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisation_unit SET name = name || '!' WHERE organisation_id = %s", [vss.pk]
        )


@pytest.mark.parametrize("write", [_update, _delete, _many_to_many, _user, _bulk_insert, _raw_sql])
def test_every_kind_of_write_raises_the_version(vss, write):
    before = dataversion.current()
    write(vss)
    assert dataversion.current() > before


def test_a_write_in_a_web_service_raises_the_version(vss, period_2020_08):
    unit = Unit.objects.get(organisation=vss, code="1800")
    current = unit_figures(period_2020_08, [unit.pk])[unit.pk].forecast
    before = dataversion.current()
    save_forecast(
        unit,
        period_2020_08,
        base_version=version_of(current),
        net_result=Decimal("123000"),
        revenues=None,
        costs=None,
        comment="Ny.",
        actor=None,
    )
    assert dataversion.current() > before


def test_without_the_counter_row_there_is_no_version_and_nothing_is_kept(vss, monkeypatch):
    DataVersion.objects.all().delete()
    assert dataversion.current() is None
    monkeypatch.setattr(dataversion, "_in_transaction", lambda: False)
    calls = []
    dataversion.cached("k", lambda: calls.append(1))
    dataversion.cached("k", lambda: calls.append(1))
    assert len(calls) == 2


def test_nothing_is_kept_inside_a_transaction(vss):
    # Tests run inside one; so does a service that could still roll back.
    calls = []
    with transaction.atomic():
        dataversion.cached("k", lambda: calls.append(1))
        dataversion.cached("k", lambda: calls.append(1))
    assert len(calls) == 2


@pytest.fixture
def keeping(monkeypatch):
    """Parts kept as outside a transaction (in a test, the version's writes are rolled back
    after each test, so the store starts and ends empty)."""
    monkeypatch.setattr(dataversion, "_in_transaction", lambda: False)
    dataversion.parts.clear()
    yield
    dataversion.parts.clear()


def test_a_part_is_computed_once_per_version_and_language(vss, keeping):
    from django.utils import translation

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert dataversion.cached("k", compute) == 1
    assert dataversion.cached("k", compute) == 1
    with translation.override("en"):
        assert dataversion.cached("k", compute) == 2
    Unit.objects.filter(organisation=vss).update(name="Y")
    assert dataversion.cached("k", compute) == 3
    assert dataversion.cached("other", compute) == 4


def test_the_dashboard_never_shows_a_kept_figure_after_a_forecast_is_saved(
    client, people, period_2020_08, keeping
):
    client.force_login(people.controller)
    page = reverse("dashboard", args=[period_2020_08.fiscal_year.organisation.slug, "2020-08"])
    shown = format_tkr(Decimal("98765000"))
    assert shown not in client.get(page).content.decode()
    assert [key for key in dataversion.parts.entries if key[-1][0] == "dashboard"]
    unit = people.lkdata
    current = unit_figures(period_2020_08, [unit.pk])[unit.pk].forecast
    save_forecast(
        unit,
        period_2020_08,
        base_version=version_of(current),
        net_result=Decimal("98765000"),
        revenues=None,
        costs=None,
        comment="Ny prognos.",
        actor=people.controller,
    )
    assert shown in client.get(page).content.decode()


def test_a_page_reads_the_version_once(client, people, period_2020_08, keeping):
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.controller)
    page = reverse("unit", args=["vss", "2020-08", people.lkdata.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert sum(dataversion.TABLE in query["sql"] for query in queries) == 1


def test_each_caller_gets_its_own_copy_of_a_kept_object(vss, keeping):
    def first_unit():
        return Unit.objects.filter(organisation=vss).select_related("organisation").first()

    mine = dataversion.cached_copy("k", first_unit)
    mine.name = "Ändrad"
    mine.organisation.name = "Ändrad"
    theirs = dataversion.cached_copy("k", first_unit)
    assert theirs.pk == mine.pk
    assert theirs.name != "Ändrad" and theirs.organisation.name != "Ändrad"


def test_rights_are_not_kept_past_a_change_of_membership(client, people, keeping):
    from tertial.access.models import Membership

    client.force_login(people.reader)
    page = reverse("dashboard", args=["vss", "2020-08"])
    assert client.get(page).status_code == 200
    Membership.objects.filter(user=people.reader).delete()
    assert client.get(page).status_code == 404


def test_a_kept_period_is_not_shown_after_it_changed(client, people, period_2020_08, keeping):
    from tertial.organisation.models import Period

    client.force_login(people.controller)
    page = reverse("unit", args=["vss", "2020-08", people.lkdata.pk])
    assert 'name="net_result"' in client.get(page).content.decode()
    Period.objects.filter(pk=period_2020_08.pk).update(status=Period.Status.APPROVED)
    assert 'name="net_result"' not in client.get(page).content.decode()


def test_a_saved_forecast_shows_at_once_and_a_stale_save_still_conflicts(
    client, people, period_2020_08, keeping, forecast_form
):
    unit = people.lkdata
    client.force_login(people.controller)
    page = reverse("unit", args=["vss", "2020-08", unit.pk])
    action = reverse("unit_forecast", args=["vss", "2020-08", unit.pk])
    before = client.get(page).content.decode()
    assert [key for key in dataversion.parts.entries if key[-1][0] == "unit"]
    stale = forecast_form(unit, period_2020_08, "2 700,5")
    assert client.post(action, stale).status_code == 302
    after = client.get(page).content.decode()
    assert "2\u00a0701 tkr" in after and "2\u00a0701 tkr" not in before
    conflict = client.post(action, {**stale, "net_result": "10"})
    assert conflict.status_code == 409


def _trigger_names() -> list[tuple[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
        return cursor.fetchall()


def test_a_migrate_before_the_counters_table_exists_installs_nothing(monkeypatch):
    # As `tertial migrate economy` on a new database: post_migrate runs before web's table
    # exists, and the migrate must not fail for it.
    before = _trigger_names()
    monkeypatch.setattr(dataversion, "TABLE", "web_not_migrated_yet")
    dataversion.install_triggers()
    assert _trigger_names() == before
    assert "web_not_migrated_yet" not in connection.introspection.table_names()

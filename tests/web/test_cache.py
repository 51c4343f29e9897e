"""The pages' kept parts: never shown after their organisation's data changed, left alone by
other organisations' writes, by reads of any kind and by log-ins."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from tertial.access.models import Membership
from tertial.access.services import issue_token
from tertial.audit.history import version_of
from tertial.core.formatting import format_tkr
from tertial.economy.figures import unit_figures
from tertial.economy.models import Forecast, ImportJob
from tertial.economy.services import save_forecast
from tertial.goals.models import BoardGoal
from tertial.organisation.models import FiscalYear, Period
from tertial.platform.models import CacheVersion
from tertial.records.models import RecordImportJob
from tertial.reports.services import freeze_edition
from tertial.web import urls
from tertial.web.views import dashboard as dashboard_views

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dashboard(organisation_slug: str) -> str:
    return reverse("dashboard", args=[organisation_slug, "2020-08"])


def _save_forecast(unit, period, net_result: Decimal, actor) -> None:
    current = unit_figures(period, [unit.pk])[unit.pk].forecast
    save_forecast(
        unit,
        period,
        base_version=version_of(current),
        net_result=net_result,
        revenues=None,
        costs=None,
        comment="Ny prognos.",
        actor=actor,
    )


@pytest.fixture
def computed(monkeypatch):
    """How many times each organisation's dashboard was computed, by organisation id."""
    counts: dict[int, int] = {}
    compute = dashboard_views._dashboard_data

    def counting(period):
        organisation_id = period.fiscal_year.organisation_id
        counts[organisation_id] = counts.get(organisation_id, 0) + 1
        return compute(period)

    monkeypatch.setattr(dashboard_views, "_dashboard_data", counting)
    return counts


@pytest.fixture
def other_period(people):
    """A period of the outsiders' organisation, with a dashboard of its own."""
    organisation = people.outsider.memberships.get().organisation
    fiscal_year = FiscalYear.objects.create(organisation=organisation, year=2020)
    return Period.objects.create(
        fiscal_year=fiscal_year, key="2020-08", kind=Period.Kind.INTERIM, end_month=8
    )


def test_a_write_in_one_organisation_keeps_anothers_pages_and_refreshes_its_own(
    people, period_2020_08, other_period, keeping, computed
):
    ours, theirs = _logged_in(people.controller), _logged_in(people.outsider)
    vss, other = period_2020_08.fiscal_year.organisation, other_period.fiscal_year.organisation
    shown = format_tkr(Decimal("98765000"))
    assert shown not in ours.get(_dashboard("vss")).content.decode()
    assert theirs.get(_dashboard("annan")).status_code == 200
    assert ours.get(_dashboard("vss")).status_code == 200
    assert computed == {vss.pk: 1, other.pk: 1}

    _save_forecast(people.lkdata, period_2020_08, Decimal("98765000"), people.controller)

    assert theirs.get(_dashboard("annan")).status_code == 200
    assert computed == {vss.pk: 1, other.pk: 1}
    assert shown in ours.get(_dashboard("vss")).content.decode()
    assert computed == {vss.pk: 2, other.pk: 1}


def test_an_api_read_keeps_every_version_and_every_page(
    people, period_2020_08, keeping, computed, versions
):
    token, secret = issue_token(period_2020_08.fiscal_year.organisation, "Power BI", actor=None)
    page = _logged_in(people.controller)
    assert page.get(_dashboard("vss")).status_code == 200
    before = versions()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for path in ["", "periods/2020-08/goals", "periods/2020-08/indicators/values"]:
        assert api.get(f"/api/v1/organisations/vss/{path}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None  # the read wrote its token's last use
    assert versions() == before
    assert page.get(_dashboard("vss")).status_code == 200
    assert computed == {period_2020_08.fiscal_year.organisation_id: 1}


def _page_urls(people, period: Period) -> dict[str, str]:
    goal = BoardGoal.objects.filter(fiscal_year=period.fiscal_year).first()
    job = ImportJob.objects.create(
        organisation=period.fiscal_year.organisation, kind="ledger", file_path="x", mapping="m"
    )
    record_job = RecordImportJob.objects.create(
        organisation=period.fiscal_year.organisation, file_path="x", mapping="m"
    )
    on_period = ["vss", period.key]
    unit = [*on_period, people.lkdata.pk]
    goal_of = [*on_period, goal.pk]
    indicator = goal.indicators.first()
    section = period.narrative_sections.first()
    # An action sends a GET to its page and changes nothing.
    actions = {
        "deadlines": reverse("deadlines", args=on_period),
        "units_approve": reverse("units_approve", args=on_period),
        "unit_forecast": reverse("unit_forecast", args=unit),
        "unit_forecast_classes": reverse("unit_forecast_classes", args=unit),
        "unit_submit": reverse("unit_submit", args=unit),
        "unit_approve": reverse("unit_approve", args=unit),
        "unit_return": reverse("unit_return", args=unit),
        "unit_value": reverse("unit_value", args=[*unit, indicator.pk]),
        "goal_assessment": reverse("goal_assessment", args=goal_of),
        "goal_value": reverse("goal_value", args=[*goal_of, indicator.pk]),
        "text_section": reverse("text_section", args=[*on_period, section.pk]),
        "text_event_add": reverse("text_event_add", args=on_period),
        "text_event": reverse("text_event", args=[*on_period, 1]),
        "text_event_delete": reverse("text_event_delete", args=[*on_period, 1]),
        "calendar": reverse("calendar", args=on_period),
        "investments": reverse("investments", args=on_period),
        "investment_add": reverse("investment_add", args=on_period),
        "investment_outcome": reverse("investment_outcome", args=[*on_period, 1]),
        "investment_frame": reverse("investment_frame", args=[*on_period, 1]),
        "calendar_period": reverse("calendar_period", args=on_period),
        "calendar_year": reverse("calendar_year", args=on_period),
        "text_plan_add": reverse("text_plan_add", args=on_period),
        "text_plan": reverse("text_plan", args=[*on_period, 1]),
        "text_plan_delete": reverse("text_plan_delete", args=[*on_period, 1]),
        "report_approve": reverse("report_approve", args=on_period),
        "report_publish": reverse("report_publish", args=on_period),
        "report_unlock": reverse("report_unlock", args=on_period),
        "import_upload": reverse("import_upload", args=on_period),
        "import_undo": reverse("import_undo", args=[*on_period, 1]),
        "import_alias": reverse("import_alias", args=on_period),
        "budget_set": reverse("budget_set", args=on_period),
        "import_kolada": reverse("import_kolada", args=on_period),
        "people_invite": reverse("people_invite", args=on_period),
        "people_role": reverse("people_role", args=[*on_period, 1]),
        "people_remove": reverse("people_remove", args=[*on_period, 1]),
        "record_upload": reverse("record_upload", args=on_period),
        "record_definition": reverse("record_definition", args=[*on_period, indicator.pk]),
    }
    return actions | {
        "home": reverse("home"),
        "login": reverse("login"),
        "logout": reverse("logout"),  # a GET is refused: logging out is a POST
        # Not found unless single sign-on is configured.
        "sso_start": reverse("sso_start"),
        "sso_callback": reverse("sso_callback"),
        "set_language": reverse("set_language"),
        "public": reverse("public", args=["vss"]),
        "public_report": reverse("public_report", args=on_period),
        "public_download": reverse("public_download", args=[*on_period, "pdf"]),
        "organisation": reverse("organisation", args=["vss"]),
        "dashboard": reverse("dashboard", args=on_period),
        "unit": reverse("unit", args=[*on_period, people.lkdata.pk]),
        "goal": reverse("goal", args=[*on_period, goal.pk]),
        "indicator": reverse("indicator", args=[*on_period, indicator.pk]),
        "texts": reverse("texts", args=on_period),
        "report": reverse("report", args=on_period),
        # A frozen edition's file is rendered and kept by the GET that first asks for it.
        "report_download": reverse("report_download", args=[*on_period, "xlsx"]) + "?edition=1",
        "imports": reverse("imports", args=on_period),
        "budget": reverse("budget", args=on_period),
        "people": reverse("people", args=on_period),
        "account": reverse("account"),
        "password_reset_confirm": reverse("password_reset_confirm", args=["MQ", "x-y"]),
        "password_reset_complete": reverse("password_reset_complete"),
        "import_job": reverse("import_job", args=[*on_period, job.pk]),
        "report_diff": reverse("report_diff", args=on_period) + "?a=1&b=2",
        "trace": reverse("trace", args=on_period) + f"?unit={people.lkdata.pk}",
        "trace_rows": reverse("trace_rows", args=on_period) + "?month=1&account=4010",
        "records": reverse("records", args=on_period),
        "record_job": reverse("record_job", args=[*on_period, record_job.pk]),
        "indicator_records": reverse("indicator_records", args=[*on_period, indicator.pk]),
    }


def test_no_page_get_changes_a_version(people, period_2020_08, versions):
    freeze_edition(period_2020_08, actor=people.head, reason="första")
    freeze_edition(period_2020_08, actor=people.head, reason="andra")
    pages = _page_urls(people, period_2020_08)
    named = {p.name for p in urls.urlpatterns if isinstance(p, URLPattern) and p.name}
    assert set(pages) == named  # a new page is added here too
    client = _logged_in(people.controller)
    before = versions()
    for name, url in pages.items():
        for _ in range(2):
            assert client.get(url).status_code < 500, name
    assert versions() == before


def test_a_write_through_the_admin_refreshes_the_page(people, period_2020_08, keeping):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("superuser")
    client = _logged_in(admin)
    unit = people.lkdata
    assert "LKDATA" in client.get(_dashboard("vss")).content.decode()
    response = client.post(
        reverse("admin:organisation_unit_change", args=[unit.pk]),
        {
            "organisation": unit.organisation_id,
            "parent": unit.parent_id or "",
            "code": unit.code,
            "name": "Datadrift",
            "sort_order": unit.sort_order,
            "starts_on": unit.starts_on or "",
            "ends_on": unit.ends_on or "",
        },
    )
    assert response.status_code == 302
    page = client.get(_dashboard("vss")).content.decode()
    assert "Datadrift" in page and "LKDATA" not in page


def test_a_page_reads_its_organisations_versions_once(people, keeping):
    client = _logged_in(people.controller)
    page = reverse("unit", args=["vss", "2020-08", people.lkdata.pk])
    for _first_view_then_kept in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        table = CacheVersion._meta.db_table
        assert sum(table in query["sql"] for query in queries) == 1


def test_rights_are_not_kept_past_a_change_of_membership(people, keeping):
    client = _logged_in(people.reader)
    assert client.get(_dashboard("vss")).status_code == 200
    Membership.objects.filter(user=people.reader).delete()
    assert client.get(_dashboard("vss")).status_code == 404


def test_a_kept_period_is_not_shown_after_it_changed(people, period_2020_08, keeping):
    client = _logged_in(people.controller)
    page = reverse("unit", args=["vss", "2020-08", people.lkdata.pk])
    assert 'name="net_result"' in client.get(page).content.decode()
    period_2020_08.status = Period.Status.APPROVED
    period_2020_08.save()
    assert 'name="net_result"' not in client.get(page).content.decode()


def _forecast_post(unit, period, net_tkr: str, base: str | None = None) -> dict:
    if base is None:
        base = version_of(Forecast.objects.filter(unit=unit, period=period).first())
    return {
        "form": "forecast",
        "base_version": base,
        "net_result": net_tkr,
        "revenues": "",
        "costs": "",
        "comment": "Ny prognos.",
    }


def test_a_saved_forecast_shows_at_once_and_a_stale_save_still_conflicts(
    people, period_2020_08, keeping
):
    unit = people.lkdata
    client = _logged_in(people.controller)
    page = reverse("unit", args=["vss", "2020-08", unit.pk])
    before = client.get(page).content.decode()
    organisation_id = period_2020_08.fiscal_year.organisation_id
    assert [key for key in keeping.entries if key[0] == organisation_id and key[-1][0] == "unit"]
    stale = _forecast_post(unit, period_2020_08, "2 700,5")
    action = reverse("unit_forecast", args=["vss", "2020-08", unit.pk])
    assert client.post(action, stale).status_code == 302
    after = client.get(page).content.decode()
    assert "2\u00a0701 tkr" in after and "2\u00a0701 tkr" not in before
    conflict = client.post(
        action, _forecast_post(unit, period_2020_08, "10", base=stale["base_version"])
    )
    assert conflict.status_code == 409


def test_a_page_keeps_nothing_of_an_organisation_without_a_version(people, keeping, computed):
    CacheVersion.objects.filter(scope=people.lkdata.organisation_id).delete()
    client = _logged_in(people.controller)
    for _ in range(2):
        assert client.get(_dashboard("vss")).status_code == 200
    assert computed == {people.lkdata.organisation_id: 2}
    assert not [key for key in keeping.entries if key[0] == people.lkdata.organisation_id]

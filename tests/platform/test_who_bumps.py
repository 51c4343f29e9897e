"""Who raises which cache version: every service through its audit entry, every ORM save of a
domain model through the signals, users the shared scope; reads, log-ins, tokens, sessions and
tasks never."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.test import Client

from tertial.access.models import Membership
from tertial.audit.history import version_of
from tertial.audit.log import record
from tertial.core.errors import InputErrors
from tertial.economy.figures import unit_figures
from tertial.economy.models import ImportJob
from tertial.economy.services import save_forecast
from tertial.goals.models import BoardGoal, KoladaValue
from tertial.ingest.ledger.importer import import_ledger
from tertial.ingest.ledger.mapping import mapping_from_dict
from tertial.narrative.models import DecisionEvent
from tertial.organisation.models import Organisation, Unit
from tertial.platform import cache

pytestmark = pytest.mark.django_db

# Models of tertial's apps that no cached page part shows, or whose writer bumps by itself.
NEVER_WATCHED = {
    "audit.auditentry": "tertial.audit.log.record bumps as it writes the entry",
    "access.apitoken": "an API read writes its token's last use",
    "access.signinidentity": "a sign-in writes its last use; no page part shows it",
    "economy.importjob": "an import's progress, written while it runs",
    "records.recordimportjob": "a record import's progress, written while it runs",
    "records.recordkey": "the pseudonymisation key, which no page part shows",
    "reports.editionfile": "a frozen edition rendered to a file by the GET that asks for it",
    "notifications.preference": "a person's choice of e-mails, which no page part shows",
    "notifications.sent": "the log of messages sent, which no page part shows",
}
# Written in bulk by the ledger import, which bumps through its audit entry: no delete
# signal, which would make Django fetch every balance a re-import replaces.
SAVES_ONLY = {"economy.ledgerbalance", "economy.budgetentry"}


@pytest.fixture
def other(db):
    organisation = Organisation.objects.create(
        slug="annan", name="Annan förvaltning", municipality="Linköping"
    )
    cache.bump_shared()
    return organisation


def _changed(before: dict, after: dict) -> set[int]:
    return {
        scope for scope in before.keys() | after.keys() if before.get(scope) != after.get(scope)
    }


def test_every_model_of_the_apps_is_watched_but_those_that_never_bump():
    watched, saves_only, never = set(), set(), set()
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("tertial.") or label == "platform.cacheversion":
            continue
        on_save, on_delete = post_save.has_listeners(model), post_delete.has_listeners(model)
        if on_save and on_delete:
            watched.add(label)
        elif on_save:
            saves_only.add(label)
        elif not on_delete:
            never.add(label)
    assert never == set(NEVER_WATCHED)
    assert saves_only == SAVES_ONLY
    assert {"organisation.organisation", "goals.indicatorvalue", "access.membership"} <= watched


def test_each_watched_model_finds_its_organisation():
    # The example is the test database's only organisation: every row is the example's.
    vss = Organisation.objects.get()
    checked, empty = set(), set()
    for model in apps.get_models():
        label = model._meta.label_lower
        if not post_save.has_listeners(model) or label in {"goals.koladakpi", "goals.koladavalue"}:
            continue
        if not model.__module__.startswith("tertial."):
            continue
        instance = model.objects.first()
        if instance is None:
            empty.add(label)
            continue
        assert instance.organisation_id == vss.pk, label
        checked.add(label)
    # What the example has no rows of; the other models were all checked.
    assert empty == {
        "access.membership",
        "economy.forecastline",
        "economy.unitcodealias",
        "reports.edition",
        "workflow.reportapproval",
        "workflow.unitsubmission",
    }
    assert len(checked) > 20


def test_a_recorded_change_bumps_its_organisation_or_else_the_shared_scope(vss, other, versions):
    before = versions()
    record("test.done", organisation=vss)
    assert _changed(before, versions()) == {vss.pk}
    before = versions()
    record("test.done")
    assert _changed(before, versions()) == {cache.SHARED}


def test_a_services_write_bumps_its_organisation_alone(vss, other, period_2020_08, versions):
    unit = Unit.objects.get(organisation=vss, code="1800")
    current = unit_figures(period_2020_08, [unit.pk])[unit.pk].forecast
    before = versions()
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
    assert _changed(before, versions()) == {vss.pk}


def _save(vss):
    unit = Unit.objects.filter(organisation=vss).first()
    unit.name = "Ny"
    unit.save()


def _create_and_delete(vss):
    period = vss.fiscal_years.get(year=2020).periods.get(key="2020-08")
    DecisionEvent.objects.create(period=period, kind="decision", text="Beslut.").delete()


def _link(vss):
    goal = BoardGoal.objects.filter(fiscal_year__organisation=vss).first()
    goal.responsible_units.add(*Unit.objects.filter(organisation=vss).exclude(board_goals=goal))


def _link_from_the_other_side(vss):
    unit = Unit.objects.filter(organisation=vss).first()
    unit.board_goals.add(BoardGoal.objects.filter(fiscal_year__organisation=vss).first())


def _membership(vss):
    user = get_user_model().objects.get(username="medlem")
    membership = Membership.objects.create(user=user, organisation=vss, role="unit_head")
    membership.units.set(Unit.objects.filter(organisation=vss)[:2])


@pytest.mark.parametrize(
    "write",
    [_save, _create_and_delete, _link, _link_from_the_other_side, _membership],
)
def test_an_orm_write_bumps_its_organisation_alone(vss, other, versions, write):
    get_user_model().objects.create_user(username="medlem")
    before = versions()
    write(vss)
    assert _changed(before, versions()) == {vss.pk}


def test_a_users_change_bumps_the_shared_scope_and_a_log_in_nothing(vss, other, versions, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    before = versions()
    user = get_user_model().objects.create_user(username="ny", password="ett långt lösenord")
    assert _changed(before, versions()) == {cache.SHARED}

    before = versions()
    client = Client()
    assert (
        client.post("/login/", {"username": "ny", "password": "ett långt lösenord"}).status_code
        == 302
    )
    Client().force_login(user)
    assert versions() == before

    user.first_name = "Nyman"
    user.save()
    assert _changed(before, versions()) == {cache.SHARED}
    before = versions()
    user.delete()
    assert _changed(before, versions()) == {cache.SHARED}


def test_kolada_values_bump_the_shared_scope(vss, versions):
    before = versions()
    KoladaValue.objects.create(kpi="N00001", municipality="0580", year=2020, gender="T")
    assert _changed(before, versions()) == {cache.SHARED}


def test_a_tokens_use_sessions_and_tasks_never_bump(vss, versions, client):
    from tertial.access.models import ApiToken
    from tertial.access.services import issue_token

    _token, secret = issue_token(vss, "Power BI", actor=None)  # a change, logged
    before = versions()
    assert (
        client.get("/api/v1/organisations/vss/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
        == 200
    )
    assert ApiToken.objects.get().last_used_at is not None
    job = ImportJob.objects.create(organisation=vss, kind="ledger", file_path="x", mapping="m")
    job.progress = 50
    job.save()
    session = client.session
    session["seen"] = True
    session.save()
    assert versions() == before


def test_the_ledger_import_bumps_exactly_its_organisation(vss, other, versions, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "huvudbok.csv"
    path.write_text("year;month;unit;account;amount\n2020;12;1800;5010;1234,50\n")
    mapping = mapping_from_dict(
        {
            "name": "test",
            "columns": {
                "year": "year",
                "month": "month",
                "unit": "unit",
                "account": "account",
                "amount": "amount",
            },
        }
    )
    before = versions()
    batch = import_ledger(vss, path, mapping=mapping)
    assert batch.row_count == 1
    assert _changed(before, versions()) == {vss.pk}
    before = versions()
    with pytest.raises(InputErrors):  # the month has balances now: refused, nothing stored
        import_ledger(vss, path, mapping=mapping, replace=False)
    assert versions() == before


def test_a_writer_that_bumps_itself_mutes_the_signals(vss, versions):
    before = versions()
    with cache.bumped_by_writer():
        _save(vss)
        KoladaValue.objects.create(kpi="N00001", municipality="0580", year=2020, gender="T")
    assert versions() == before
    _save(vss)
    assert _changed(before, versions()) == {vss.pk}

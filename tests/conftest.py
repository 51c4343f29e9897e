"""Shared fixtures: the reference organisation (examples/vss-2020) loaded once per test run,
the people who work in it, and what tests of several parts do with them.

Tests that use the database see the example as it is after ``tertial load``; each test runs
in a transaction that is rolled back, so changes made by one test never reach another.
Tests whose point is not the reference's figures build small data of their own. A
transactional test (``django_db(transaction=True)``) empties the database after it instead:
its module uses ``restore_example``, which loads the example again after the module.
"""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import EXAMPLE_DIR


@pytest.fixture(scope="session", autouse=True)
def test_run_data_dir(tmp_path_factory):
    """The rows imports keep for tracing, in a folder of the test run's own."""
    from django.test import override_settings

    with override_settings(DATA_DIR=tmp_path_factory.mktemp("data")) as overridden:
        yield overridden


def load_example() -> None:
    from tertial.ingest.folder import load_organisation

    load_organisation(EXAMPLE_DIR)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_example()


@pytest.fixture(scope="module")
def restore_example(django_db_blocker):
    """The example loaded again after a module of transactional tests."""
    yield
    with django_db_blocker.unblock():
        load_example()


@pytest.fixture
def vss(db):
    from tertial.organisation.models import Organisation

    return Organisation.objects.get(slug="vss")


@pytest.fixture
def period_2020_08(vss):
    from tertial.organisation.models import Period

    return Period.objects.get(fiscal_year__organisation=vss, key="2020-08")


def _person(username: str, organisation, role: str | None, units=()):
    from django.contrib.auth import get_user_model

    from tertial.access.models import Membership

    # No password: tests log in with force_login, and hashing one costs a second.
    user = get_user_model().objects.create_user(username=username)
    if organisation is not None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        membership.units.set(units)
    return user


@pytest.fixture
def people(vss):
    """One person of each role in the example organisation, two unit heads of different
    units, and a controller of another organisation (an outsider here)."""
    from tertial.access.models import Membership
    from tertial.organisation.models import Organisation

    role = Membership.Role
    units = {unit.code: unit for unit in vss.units.all()}
    lkdata, kontakt = units["1800"], units["1500"]
    other = Organisation.objects.create(
        slug="annan", name="Annan förvaltning", municipality="Linköping"
    )
    return SimpleNamespace(
        lkdata=lkdata,
        kontakt=kontakt,
        admin=_person("admin", vss, role.ADMINISTRATOR),
        controller=_person("controller", vss, role.CONTROLLER),
        head=_person("chef", vss, role.HEAD),
        lkdata_head=_person("lkdata", vss, role.UNIT_HEAD, [lkdata]),
        kontakt_head=_person("kontakt", vss, role.UNIT_HEAD, [kontakt]),
        reader=_person("lasare", vss, role.READER),
        outsider=_person("utomstaende", other, role.CONTROLLER),
    )


@pytest.fixture
def approve_all_units(people):
    """A callable that gives every unit of a period a forecast where it lacks one and has
    the controller submit and approve it, as before the report is approved."""
    from tertial.economy.models import Forecast
    from tertial.economy.services import save_forecast
    from tertial.workflow import services as workflow

    def approve(period):
        for unit in workflow.reporting_units(period):
            if not Forecast.objects.filter(unit=unit, period=period).exists():
                save_forecast(unit, period, net_result=0, comment="", actor=people.controller)
            workflow.submit_unit(unit, period, actor=people.controller)
            workflow.approve_unit(unit, period, actor=people.controller)

    return approve


@pytest.fixture
def confirmed_approval():
    """``confirmed_approval(period)``: the approval form's data with the checks' findings,
    as shown on the report page now, confirmed."""
    from tertial.reports.checks import run_checks
    from tertial.reports.services import findings_fingerprint

    return lambda period: {"confirmed": findings_fingerprint(run_checks(period))}


@pytest.fixture
def keeping(monkeypatch):
    """Page parts kept as outside a transaction, though each test runs in one (whose version
    bumps are rolled back after it: the store starts and ends empty). Returns the store."""
    from tertial.platform import cache

    monkeypatch.setattr(cache, "_in_transaction", lambda: False)
    cache.parts.clear()
    yield cache.parts
    cache.parts.clear()


@pytest.fixture
def versions(db):
    """Every scope's cache version now, {scope: value}, each time it is called."""
    from tertial.platform.models import CacheVersion

    return lambda: dict(CacheVersion.objects.values_list("scope", "value"))


@pytest.fixture
def url():
    """``url(name, period, *args)``: the address of a page or action of a period."""

    def address(name, period, *args):
        return reverse(name, args=[period.fiscal_year.organisation.slug, period.key, *args])

    return address


@pytest.fixture
def login():
    """``login(user)``: a new client signed in as ``user``."""

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in

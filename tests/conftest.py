"""Shared fixtures: the reference organisation (examples/vss-2020) loaded once per test run.

Tests that use the database see the example as it is after ``tertial load``; each test runs
in a transaction that is rolled back, so changes made by one test never reach another. A
transactional test (``django_db(transaction=True)``) empties the database after it instead:
its module uses ``restore_example``, which loads the example again after the module.
"""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_ROOT / "examples" / "vss-2020"


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

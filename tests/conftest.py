"""Shared fixtures: the reference organisation (examples/vss-2020) loaded once per test run.

Tests that use the database see the example as it is after ``tertial load``; each test runs
in a transaction that is rolled back, so changes made by one test never reach another.
"""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_ROOT / "examples" / "vss-2020"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tertial.loading import load_organisation

    with django_db_blocker.unblock():
        load_organisation(EXAMPLE_DIR)


@pytest.fixture
def vss(db):
    from tertial.organisation.models import Organisation

    return Organisation.objects.get(slug="vss")


@pytest.fixture
def period_2020_08(vss):
    from tertial.organisation.models import Period

    return Period.objects.get(fiscal_year__organisation=vss, key="2020-08")


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

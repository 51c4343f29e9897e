"""A real chromium (Debian's) through Playwright against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test makes
# in between are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENS = Path(os.environ.get("TERTIAL_SCREENSHOTS", "/tmp/screens"))
CHROMIUM = os.environ.get("TERTIAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def example(transactional_db):
    """The example organisation with demo people. Transactional tests empty the database
    after each test, so the example is loaded again when it is gone."""
    from tertial.access.demo import create_demo_users
    from tertial.ingest.folder import load_organisation
    from tertial.organisation.models import Organisation
    from tests.helpers import EXAMPLE_DIR

    organisation = Organisation.objects.filter(slug="vss").first()
    if organisation is None:
        load_organisation(EXAMPLE_DIR)
        organisation = Organisation.objects.get(slug="vss")
    return organisation, create_demo_users(organisation)


@pytest.fixture
def screens():
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS

"""A small organisation of its own for the import tests (fixture ``org``).

Not the example organisation: the import replaces whole months, and these tests need to know
exactly what is stored.
"""

import pytest

from tests.ingest.ledger.helpers import create_organisation


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def org(db, data_dir):
    return create_organisation("importtest")

import pytest

from tests.web.personas import Personas


@pytest.fixture
def people(vss):
    return Personas(vss)

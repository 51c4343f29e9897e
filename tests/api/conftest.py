import pytest

from tertial.access.services import issue_token


@pytest.fixture
def vss_token(vss) -> str:
    _token, secret = issue_token(vss, "Power BI", actor=None)
    return secret


@pytest.fixture
def api(client, vss_token):
    """GET with the example organisation's token."""

    def get(path: str, **extra):
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {vss_token}", **extra)

    return get

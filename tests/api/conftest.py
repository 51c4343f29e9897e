import pytest

from tertial.api.models import ApiToken


@pytest.fixture
def vss_token(vss) -> str:
    _token, secret = ApiToken.issue(vss, "Power BI")
    return secret


@pytest.fixture
def api(client, vss_token):
    """GET with the example organisation's token."""

    def get(path: str, **extra):
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {vss_token}", **extra)

    return get

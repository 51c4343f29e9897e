"""The OpenAPI description is valid, complete, and true of what the API answers."""

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tertial.api import urls as api_urls
from tertial.api.openapi import ECONOMY_TABLE_NAMES, openapi_document
from tertial.api.views import ECONOMY_TABLES

PREFIX = "/api/v1"


@pytest.fixture
def spec(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_description_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": f"http://testserver{PREFIX}"}]
    validate(spec)


def described_path(route: str) -> str:
    """A Django route as an OpenAPI path: v1/organisations/<slug:slug>/ → /organisations/{slug}/."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).removeprefix("v1/")


def test_every_route_is_described_and_nothing_else():
    routes = {described_path(str(pattern.pattern)) for pattern in api_urls.urlpatterns}
    assert routes == set(openapi_document("http://x")["paths"])


def test_described_economy_tables_are_the_served_ones():
    assert ECONOMY_TABLE_NAMES == list(ECONOMY_TABLES)


def concrete_paths(spec) -> list[tuple[str, str]]:
    """Every described GET with its parameters filled in from the example, and its 200 schema."""
    filled = []
    for path, item in spec["paths"].items():
        schema = item["get"]["responses"]["200"]["content"]["application/json"].get("schema")
        tables = ECONOMY_TABLE_NAMES if "{table}" in path else [None]
        for table in tables:
            url = path.replace("{slug}", "vss").replace("{key}", "2020-08")
            url = url.replace("{code}", "svarsservice")
            if table:
                url = url.replace("{table}", table)
            filled.append((url, schema))
    return filled


def test_every_described_route_answers_as_described(spec, api):
    registry = Registry().with_resource("urn:tertial-api", DRAFT202012.create_resource(spec))
    routes = concrete_paths(spec)
    assert len(routes) >= 8  # every route of docs/api.md
    for url, schema in routes:
        response = api(PREFIX + url)
        assert response.status_code == 200, url
        if schema is None:
            continue
        validator = Draft202012Validator(
            {"$ref": "urn:tertial-api" + schema["$ref"]}, registry=registry
        )
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
        ]
        assert not errors, (url, errors[:5])


def test_described_error_responses_answer_as_described(spec, client, api):
    registry = Registry().with_resource("urn:tertial-api", DRAFT202012.create_resource(spec))
    error_schema = Draft202012Validator(
        {"$ref": "urn:tertial-api#/components/schemas/Error"}, registry=registry
    )
    goals = f"{PREFIX}/organisations/vss/periods/2020-08/goals"
    answers = {
        "401": client.get(goals),
        "404": api(f"{PREFIX}/organisations/vss/periods/1999-08/goals"),
        "405": client.post(goals),
        "400": api(f"{PREFIX}/organisations/vss/periods/2020-08/indicators?limit=0"),
    }
    for status, response in answers.items():
        assert str(response.status_code) == status
        error_schema.validate(response.json())
    described = spec["paths"]["/organisations/{slug}/periods/{key}/indicators"]["get"]["responses"]
    assert set(answers) <= set(described)

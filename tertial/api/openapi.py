"""The OpenAPI 3.1 description of the API, written by hand next to the views.

tests/api/test_openapi.py keeps it true: every route of tertial/api/urls.py is described,
every described route answers, and the answers validate against the schemas below.
"""

from typing import Any

ECONOMY_TABLE_NAMES = [
    "operating-summary",
    "full-year-forecast",
    "economy-summary",
    "investments",
    "revenue-by-kind",
    "cost-by-kind",
]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema_type: str) -> dict[str, Any]:
    return {"type": [schema_type, "null"]}


DECIMAL = {
    "type": ["string", "null"],
    "pattern": r"^-?\d+(\.\d+)?$",
    "description": "An exact decimal number as text (JSON numbers would lose precision).",
}
DATE = {"type": ["string", "null"], "format": "date"}
DATETIME = {"type": ["string", "null"], "format": "date-time"}
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
ASSESSMENT_VALUES = ["met", "partly_met", "not_met", "not_assessable"]


def obj(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def page_of(item: str) -> dict[str, Any]:
    return obj(
        {
            "period": STRING,
            "count": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1},
            "offset": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": ref(item)},
        },
        "One page of a long list; follow `next` until it is null.",
    )


SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({"code": STRING, "message": STRING})}),
    "Unit": obj(
        {
            "code": STRING,
            "name": STRING,
            "parent": nullable("string"),
            "sort_order": INTEGER,
            "starts_on": DATE,
            "ends_on": DATE,
        }
    ),
    "Period": obj(
        {
            "key": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
            "year": INTEGER,
            "kind": {"enum": ["month", "tertial", "interim", "annual"]},
            "end_month": {"type": "integer", "minimum": 1, "maximum": 12},
            "title": STRING,
            "status": {"enum": ["open", "submitted", "approved", "locked"]},
            "deadline": DATE,
            "start_date": DATE,
            "end_date": DATE,
            "links": obj(
                {
                    "goals": URL,
                    "assessments": URL,
                    "indicators": URL,
                    "indicator_values": URL,
                    "economy": obj({name: URL for name in ECONOMY_TABLE_NAMES}),
                    "ledger_rows": URL,
                }
            ),
        }
    ),
    "Organisation": obj(
        {
            "slug": STRING,
            "name": STRING,
            "short_name": STRING,
            "municipality": STRING,
            "board": STRING,
            "units": {"type": "array", "items": ref("Unit")},
            "periods": {"type": "array", "items": ref("Period")},
        }
    ),
    "Assessment": obj(
        {
            "value": {"enum": ASSESSMENT_VALUES},
            "label": {"type": "string", "description": "The value in words, in Swedish."},
            "justification": {"type": "string", "description": "Markdown."},
            "items": {
                "type": "array",
                "items": obj(
                    {"kind": {"enum": ["result", "activity", "deviation"]}, "text": STRING}
                ),
            },
            "proposed_value": {"enum": [*ASSESSMENT_VALUES, None]},
            "is_current": BOOLEAN,
            "created_at": DATETIME,
        },
        "A person's judgement of a board goal at one follow-up.",
    ),
    "Proposal": obj(
        {"value": {"enum": ASSESSMENT_VALUES}, "label": STRING},
        "The system's proposal now, from the statuses of the goal's indicators at the period.",
    ),
    "BoardGoal": obj(
        {
            "code": STRING,
            "name": STRING,
            "description": STRING,
            "responsible_units": {"type": "array", "items": STRING},
            "carried_over_from": nullable("string"),
            "indicators": {"type": "array", "items": STRING},
            "assessment": {"oneOf": [ref("Assessment"), {"type": "null"}]},
            "proposal": ref("Proposal"),
        }
    ),
    "Goals": obj(
        {
            "period": STRING,
            "perspectives": {
                "type": "array",
                "items": obj(
                    {
                        "code": STRING,
                        "name": STRING,
                        "long_name": STRING,
                        "council_goals": {
                            "type": "array",
                            "items": obj(
                                {
                                    "code": STRING,
                                    "name": STRING,
                                    "board_goals": {"type": "array", "items": ref("BoardGoal")},
                                }
                            ),
                        },
                    }
                ),
            },
        }
    ),
    "Assessments": obj(
        {
            "period": STRING,
            "results": {
                "type": "array",
                "items": obj(
                    {
                        "goal": STRING,
                        "goal_name": STRING,
                        "perspective": STRING,
                        "current": {"oneOf": [ref("Assessment"), {"type": "null"}]},
                        "history": {
                            "type": "array",
                            "items": ref("Assessment"),
                            "description": "Every assessment of the period, newest first.",
                        },
                    }
                ),
            },
        }
    ),
    "Indicator": obj(
        {
            "code": STRING,
            "name": STRING,
            "description": STRING,
            "measure": {"enum": ["percent", "count", "index", "ksek", "seconds", "score", "ratio"]},
            "decimals": nullable("integer"),
            "direction": {"enum": ["higher", "lower", "band"]},
            "unit": nullable("string"),
            "parent": nullable("string"),
            "part_of_parent": BOOLEAN,
            "gender_split": BOOLEAN,
            "formula": STRING,
            "in_core_volumes": BOOLEAN,
            "in_personnel": BOOLEAN,
            "kolada_kpi": STRING,
            "board_goals": {"type": "array", "items": STRING},
            "targets": {
                "type": "array",
                "items": obj(
                    {
                        "year": INTEGER,
                        "text": {"type": "string", "description": 'As written: "<5 %".'},
                        "comparator": {"enum": ["at_least", "at_most", "below", "above", "equal"]},
                        "value": DECIMAL,
                        "tolerance": DECIMAL,
                    }
                ),
            },
        }
    ),
    "IndicatorValue": obj(
        {
            "indicator": STRING,
            "period": {
                "type": "string",
                "pattern": r"^\d{4}(-\d{2})?$",
                "description": "YYYY for a whole year, YYYY-MM for January to that month.",
            },
            "year": INTEGER,
            "through_month": {"type": "integer", "minimum": 1, "maximum": 12},
            "kind": {"enum": ["actual", "forecast", "plan"]},
            "gender": {"enum": ["T", "K", "M"], "description": "T total, K women, M men."},
            "value": {**DECIMAL, "description": "null when there is no data (I.U.), never 0."},
            "missing": BOOLEAN,
            "note": STRING,
            "source": STRING,
            "status": {
                "enum": ["met", "partly_met", "not_met", "no_data", None],
                "description": "Against the target of the value's year; null without a target.",
            },
        }
    ),
    "IndicatorPage": page_of("Indicator"),
    "IndicatorValuePage": page_of("IndicatorValue"),
    "Cell": {
        "type": "object",
        "required": ["text", "value", "source", "reference"],
        "properties": {
            "text": {"type": "string", "description": "As printed in the report."},
            "value": {**DECIMAL, "description": "Exact value (kronor for amounts); null if none."},
            "tkr": {
                "type": ["integer", "null"],
                "description": "Amount columns only: the value in whole tkr, rounded as printed.",
            },
            "source": {"type": "string", "description": "Where the figure comes from."},
            "reference": {
                "type": ["object", "null"],
                "required": ["kind"],
                "properties": {
                    "kind": {
                        "type": "string",
                        "description": "ledger, budget, forecast, frame, investment, formula, "
                        "indicator, goal.",
                    },
                    "unit": STRING,
                    "org": STRING,
                    "account_class": STRING,
                    "side": STRING,
                    "year": INTEGER,
                    "months": {"type": "array", "items": INTEGER},
                    "period": STRING,
                    "field": STRING,
                    "formula": STRING,
                },
                "description": "The source as structured terms; null where the cell has none.",
            },
            "rows": {**URL, "description": "Ledger figures of a unit or in total: their rows."},
            "status": {"enum": ["met", "partly_met", "not_met", "no_data"]},
        },
    },
    "Table": obj(
        {
            "key": STRING,
            "title": STRING,
            "caption": STRING,
            "notes": {"type": "array", "items": STRING},
            "columns": {
                "type": "array",
                "items": obj(
                    {
                        "key": STRING,
                        "label": STRING,
                        "kind": {"enum": ["text", "amount", "number", "percent", "status"]},
                        "note": STRING,
                    }
                ),
            },
            "rows": {
                "type": "array",
                "items": obj(
                    {
                        "label": STRING,
                        "role": {"enum": ["data", "group", "sum", "of_which", "sub"]},
                        "level": INTEGER,
                        "ref": STRING,
                        "cells": {"type": "object", "additionalProperties": ref("Cell")},
                    }
                ),
            },
        },
        "A report table: columns, then rows whose cells are keyed by column key.",
    ),
    "EconomyTable": obj({"period": STRING, "table": ref("Table")}),
    "LedgerRow": obj(
        {
            "file": STRING,
            "line": INTEGER,
            "year": INTEGER,
            "month": INTEGER,
            "unit": STRING,
            "account": STRING,
            "activity": STRING,
            "project": STRING,
            "text": STRING,
            "amount": {**DECIMAL, "description": "Kronor in the ledger's sign."},
            "import": obj(
                {"id": INTEGER, "file": STRING, "imported_at": DATETIME, "sha256": STRING}
            ),
        },
        "One row of an imported ledger file, with the line it stands on and its import.",
    ),
    "LedgerRows": obj(
        {
            "period": STRING,
            "reference": {"type": "object", "required": ["kind", "year", "months"]},
            "count": {"type": "integer", "minimum": 0},
            "sum": {**DECIMAL, "description": "All the rows' sum, in the ledger's sign."},
            "limit": {"type": "integer", "minimum": 1},
            "offset": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": ref("LedgerRow")},
        },
        "The rows behind a ledger figure, a page at a time.",
    ),
    "ComputedValues": obj(
        {
            "period": STRING,
            "results": {
                "type": "array",
                "items": obj(
                    {
                        "indicator": STRING,
                        "gender": {"enum": ["T", "K", "M"]},
                        "value": DECIMAL,
                        "record_count": INTEGER,
                        "months": {"type": "array", "items": STRING},
                        "definition": {"type": "object"},
                        "computed_at": {"type": "string", "format": "date-time"},
                        "batches": {
                            "type": "array",
                            "items": obj(
                                {
                                    "id": INTEGER,
                                    "source_name": STRING,
                                    "checksum": STRING,
                                    "imported_at": {"type": "string", "format": "date-time"},
                                    "months": {"type": "array", "items": STRING},
                                }
                            ),
                        },
                        "typed_value": {
                            **DECIMAL,
                            "description": "The value typed or loaded beside the computed "
                            "one; null when there is none.",
                        },
                        "records": URL,
                    }
                ),
            },
        },
        "Values computed from records, each with its definition and the imports it was "
        "computed from.",
    ),
    "RecordPage": {
        **page_of("Record"),
        "properties": {
            **page_of("Record")["properties"],
            "indicator": STRING,
            "value": DECIMAL,
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["file", "line"],
                    "properties": {"file": STRING, "line": INTEGER},
                    "description": "A record with the file and line it came from, and its "
                    "kept columns.",
                },
            },
        },
    },
}


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def ok(schema: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


PATH_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": STRING,
    "description": "The organisation's short name, e.g. vss.",
}
PATH_KEY = {
    "name": "key",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
    "description": "The follow-up period, YYYY-MM, e.g. 2020-08.",
}
PAGING = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500},
    },
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]
COMMON_ERRORS = {
    "401": error_response("Missing, invalid or revoked token."),
    "404": error_response("No such organisation for this token, or no such period."),
    "405": error_response("Only GET is allowed."),
}


def get(
    summary: str, response: str, parameters: list[dict[str, Any]], *, bad_request: bool = False
) -> dict[str, Any]:
    responses = {"200": ok(response), **COMMON_ERRORS}
    if bad_request:
        responses["400"] = error_response("A query parameter is out of range.")
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


PERIOD = "/organisations/{slug}/periods/{key}"

PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "summary": "This description.",
            "security": [],
            "responses": {
                "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}
            },
        }
    },
    "/organisations/{slug}/": get(
        "The organisation with its units and follow-up periods.", "Organisation", [PATH_SLUG]
    ),
    f"{PERIOD}/goals": get(
        "Perspectives, council goals and board goals with the current assessment and proposal.",
        "Goals",
        [PATH_SLUG, PATH_KEY],
    ),
    f"{PERIOD}/assessments": get(
        "Every board goal's assessment at the period, with its history.",
        "Assessments",
        [PATH_SLUG, PATH_KEY],
    ),
    f"{PERIOD}/indicators": get(
        "Indicator definitions with their targets.",
        "IndicatorPage",
        [PATH_SLUG, PATH_KEY, *PAGING],
        bad_request=True,
    ),
    f"{PERIOD}/indicators/values": get(
        "Indicator values known at the period: actual values up to its last month, forecasts "
        "and plans of its year and earlier. Missing values are null with missing true.",
        "IndicatorValuePage",
        [
            PATH_SLUG,
            PATH_KEY,
            *PAGING,
            {"name": "indicator", "in": "query", "schema": STRING},
            {"name": "kind", "in": "query", "schema": {"enum": ["actual", "forecast", "plan"]}},
            {"name": "gender", "in": "query", "schema": {"enum": ["T", "K", "M"]}},
        ],
        bad_request=True,
    ),
    f"{PERIOD}/ledger/rows": get(
        "The imported ledger rows behind a figure (a cell's `rows` link): a unit's or, "
        "without `unit`, the whole organisation's, with file, line and import; paged.",
        "LedgerRows",
        [
            PATH_SLUG,
            PATH_KEY,
            {"name": "unit", "in": "query", "schema": STRING},
            {"name": "year", "in": "query", "schema": INTEGER},
            {"name": "months", "in": "query", "schema": {"type": "string", "example": "1-8"}},
            {"name": "account", "in": "query", "schema": STRING},
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
            },
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        ],
        bad_request=True,
    ),
    f"{PERIOD}/indicators/computed": get(
        "Indicator values computed from records for the period, with their definitions, "
        "the imports they were computed from and any value typed beside them.",
        "ComputedValues",
        [PATH_SLUG, PATH_KEY],
    ),
    f"{PERIOD}/indicators/{{code}}/records": get(
        "The records behind an indicator's computed value of the period, with file and line.",
        "RecordPage",
        [
            PATH_SLUG,
            PATH_KEY,
            {"name": "code", "in": "path", "required": True, "schema": STRING},
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
            },
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            {"name": "gender", "in": "query", "schema": {"enum": ["T", "K", "M"]}},
            {
                "name": "part",
                "in": "query",
                "schema": {"enum": ["true", "false"]},
                "description": "true: only the records of a share's part.",
            },
        ],
        bad_request=True,
    ),
    f"{PERIOD}/economy/{{table}}": get(
        "An economy table of the report, with each cell's text, exact value and source.",
        "EconomyTable",
        [
            PATH_SLUG,
            PATH_KEY,
            {
                "name": "table",
                "in": "path",
                "required": True,
                "schema": {"enum": ECONOMY_TABLE_NAMES},
            },
        ],
    ),
}


PATHS[f"{PERIOD}/ledger/rows"]["get"]["responses"]["503"] = error_response(
    "The import's rows are still being prepared for tracing; try again after Retry-After."
)


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tertial API",
            "version": "1",
            "description": (
                "Read-only access to one organisation's goals, assessments, indicators and "
                "economy tables. Authenticate with `Authorization: Bearer <token>`; a token is "
                "created with `tertial create_api_token --org ORG --name NAME`."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }

"""Indicator values computed from records, and the records behind each (docs/api.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from tertial.api.errors import ApiError
from tertial.api.serializers import decimal_string
from tertial.api.views import choice_filter, int_param, json_response, period_view
from tertial.organisation.models import Period
from tertial.records import queries

MAX_RECORDS = queries.MAX_PAGE_SIZE


def _plain(value) -> Any:
    if isinstance(value, Decimal):
        return decimal_string(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


@period_view
def computed_values(request: HttpRequest, period: Period) -> JsonResponse:
    """Every value computed from records for the period, with what it was computed from."""
    organisation = period.fiscal_year.organisation
    rows = queries.computed_at(organisation, period.year, period.end_month)
    batches = {b.pk: b for b in queries.batches(organisation)}
    results = []
    for computed in rows:
        typed = queries.typed_value(
            computed.indicator, computed.year, computed.through_month, computed.gender
        )
        records_url = request.build_absolute_uri(
            reverse(
                "api:indicator-records",
                kwargs={"slug": organisation.slug, "key": period.key,
                        "code": computed.indicator.code},
            )
        )  # fmt: skip
        results.append(
            {
                "indicator": computed.indicator.code,
                "gender": computed.gender,
                "value": decimal_string(computed.value),
                "record_count": computed.record_count,
                "months": computed.months,
                "definition": computed.definition,
                "computed_at": computed.computed_at.isoformat(),
                "batches": [
                    {
                        "id": entry["id"],
                        "source_name": batches[entry["id"]].source_name,
                        "checksum": batches[entry["id"]].checksum,
                        "imported_at": batches[entry["id"]].imported_at.isoformat(),
                        "months": entry["months"],
                    }
                    for entry in computed.batches
                    if entry["id"] in batches
                ],
                "typed_value": decimal_string(typed.value) if typed is not None else None,
                "records": records_url
                + (f"?gender={computed.gender}" if computed.gender != "T" else ""),
            }
        )
    return json_response({"period": period.key, "results": results})


@period_view
def indicator_records(request: HttpRequest, period: Period, code: str) -> JsonResponse:
    """The records behind an indicator's computed value of the period, a page at a time."""
    organisation = period.fiscal_year.organisation
    gender = choice_filter(request, "gender", ["T", "K", "M"]) or "T"
    part = choice_filter(request, "part", ["true", "false"]) == "true"
    limit = int_param(request, "limit", queries.PAGE_SIZE, 1, MAX_RECORDS)
    offset = int_param(request, "offset", 0, 0, 2**40)
    computed = queries.computed_of_code(organisation, code, period.year, period.end_month, gender)
    if computed is None:
        raise ApiError(404, "not_found", _("Inget värde är beräknat från poster."))
    page = queries.records_behind(computed, offset=offset, limit=limit, part=part)

    def link(new_offset: int) -> str:
        query = request.GET.copy()
        query["limit"], query["offset"] = str(limit), str(new_offset)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return json_response(
        {
            "period": period.key,
            "indicator": code,
            "value": decimal_string(computed.value),
            "count": page.total,
            "limit": limit,
            "offset": offset,
            "next": link(offset + limit) if offset + limit < page.total else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "results": [{k: _plain(v) for k, v in row.items()} for row in page.rows],
        }
    )

"""The read-only JSON API (version 1). Every view answers GET only, for the token's organisation.

A request for another organisation's data answers 404, exactly as for one that does not
exist, so a token cannot be used to find out which organisations tertial holds.
"""

import datetime
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tertial.api.auth import authenticate
from tertial.api.errors import ApiError
from tertial.api.openapi import openapi_document
from tertial.api.serializers import decimal_string, iso, table_json
from tertial.audit.history import versions
from tertial.economy import tables as economy_tables
from tertial.goals import statuses
from tertial.goals.models import (
    Assessment,
    AssessmentItem,
    BoardGoal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Perspective,
)
from tertial.ingest.ledger.tracing import (
    MAX_PAGE,
    PREPARED_WHILE_WAITING,
    NotPrepared,
    rows_page,
)
from tertial.ingest.tasks import prepare_later
from tertial.organisation.models import Organisation, Period

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
MAX_ROWS_LIMIT = MAX_PAGE

# URL name of each economy table → the function of tertial.economy.tables that builds it.
ECONOMY_TABLES = {
    "operating-summary": "operating_summary",
    "full-year-forecast": "full_year_forecast",
    "economy-summary": "economy_summary",
    "investments": "investments",
    "revenue-by-kind": "revenue_by_kind",
    "cost-by-kind": "cost_by_kind",
}


def json_response(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    # Organisation data behind a token: never kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Authorization"
    return response


def get_only(view: Callable) -> Callable:
    @csrf_exempt  # no cookies are involved, so there is no cross-site request to forge
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        try:
            if request.method != "GET":
                raise ApiError(405, "method_not_allowed", _("API:t kan bara läsas (GET)."))
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error.response()

    return wrapper


def organisation_view(view: Callable) -> Callable:
    """A GET view of the organisation in the URL, which must be the token's."""

    @get_only
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs) -> JsonResponse:
        token = authenticate(request)
        if token.organisation.slug != slug:
            raise ApiError(404, "not_found", _("Förvaltningen finns inte."))
        return view(request, token.organisation, **kwargs)

    return wrapper


def period_view(view: Callable) -> Callable:
    @organisation_view
    @wraps(view)
    def wrapper(request: HttpRequest, organisation: Organisation, key: str, **kwargs):
        period = (
            Period.objects.select_related("fiscal_year__organisation")
            .filter(fiscal_year__organisation=organisation, key=key)
            .first()
        )
        if period is None:
            raise ApiError(404, "not_found", _("Perioden finns inte."))
        return view(request, period, **kwargs)

    return wrapper


def int_param(request: HttpRequest, name: str, default: int, lowest: int, highest: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not lowest <= value <= highest:
        raise ApiError(
            400,
            "invalid_parameter",
            _("%(name)s måste vara ett heltal från %(lowest)s till %(highest)s.")
            % {"name": name, "lowest": lowest, "highest": highest},
        )
    return value


def paginated(
    request: HttpRequest, queryset: QuerySet, serialise: Callable[[Any], dict]
) -> dict[str, Any]:
    limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = int_param(request, "offset", 0, 0, 2**31)
    count = queryset.count()

    def link(new_offset: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(new_offset)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "results": [serialise(item) for item in queryset[offset : offset + limit]],
    }


def period_json(request: HttpRequest, period: Period) -> dict[str, Any]:
    slug = period.fiscal_year.organisation.slug

    def url(name: str, **kwargs) -> str:
        return request.build_absolute_uri(
            reverse(f"api:{name}", kwargs={"slug": slug, "key": period.key, **kwargs})
        )

    return {
        "key": period.key,
        "year": period.year,
        "kind": period.kind,
        "end_month": period.end_month,
        "title": period.title,
        "status": period.status,
        "deadline": iso(period.deadline),
        "start_date": iso(period.start_date),
        "end_date": iso(period.end_date),
        "links": {
            "goals": url("goals"),
            "assessments": url("assessments"),
            "indicators": url("indicators"),
            "indicator_values": url("indicator-values"),
            "economy": {name: url("economy-table", table=name) for name in ECONOMY_TABLES},
            "ledger_rows": url("ledger-rows"),
        },
    }


@get_only
def openapi(request: HttpRequest) -> JsonResponse:
    base = reverse("api:openapi").removesuffix("/openapi.json")
    return json_response(openapi_document(request.build_absolute_uri(base)))


@organisation_view
def organisation_detail(request: HttpRequest, organisation: Organisation) -> JsonResponse:
    units = organisation.units.select_related("parent").order_by("sort_order", "name")
    periods = Period.objects.filter(fiscal_year__organisation=organisation).select_related(
        "fiscal_year__organisation"
    )
    return json_response(
        {
            "slug": organisation.slug,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "municipality": organisation.municipality,
            "board": organisation.board,
            "units": [
                {
                    "code": unit.code,
                    "name": unit.name,
                    "parent": unit.parent.code if unit.parent else None,
                    "sort_order": unit.sort_order,
                    "starts_on": iso(unit.starts_on),
                    "ends_on": iso(unit.ends_on),
                }
                for unit in units
            ],
            "periods": [
                period_json(request, period)
                for period in periods.order_by("fiscal_year__year", "end_month")
            ],
        }
    )


def assessment_json(
    state: dict, saved_at: datetime.datetime | None, *, is_current: bool
) -> dict[str, Any]:
    """One version of an assessment, from its state as goals.services logs it."""
    value = state["value"]
    return {
        "value": value,
        "label": str(Assessment.Value(value).label) if value in Assessment.Value.values else value,
        "justification": state["justification"],
        "items": [{"kind": item["kind"], "text": item["text"]} for item in state["items"]],
        "proposed_value": state.get("proposed_value") or None,
        "is_current": is_current,
        "created_at": iso(saved_at) if saved_at else None,
    }


def current_json(assessment: Assessment) -> dict[str, Any]:
    state = {
        "value": assessment.value,
        "justification": assessment.justification,
        "proposed_value": assessment.proposed_value,
        "items": [{"kind": item.kind, "text": item.text} for item in assessment.items.all()],
    }
    return assessment_json(state, assessment.updated_at, is_current=True)


def history_json(assessment: Assessment) -> list[dict[str, Any]]:
    """Every version of the assessment at its period, newest first."""
    saved = versions(assessment)
    if not saved:
        return [current_json(assessment)]
    return [
        assessment_json(state, saved_at, is_current=index == 0)
        for index, (saved_at, state) in enumerate(saved)
    ]


def board_goals_of(period: Period) -> QuerySet:
    return (
        BoardGoal.objects.filter(fiscal_year=period.fiscal_year)
        .select_related("council_goal__perspective", "carried_over_from")
        .prefetch_related(
            "responsible_units",
            "indicators",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(period=period)
                # Explicit order: the items' default ordering runs through the goal's and
                # Django refuses it as an ordering loop.
                .prefetch_related(Prefetch("items", AssessmentItem.objects.order_by("sort_order"))),
                to_attr="period_assessments",
            ),
        )
        .order_by("council_goal__perspective__sort_order", "council_goal__sort_order", "sort_order")
    )


def current_of(goal: BoardGoal) -> Assessment | None:
    return next(iter(goal.period_assessments), None)


def proposal_json(proposal: str) -> dict[str, str]:
    value = Assessment.Value(proposal)
    return {"value": value.value, "label": str(value.label)}


@period_view
def goals(request: HttpRequest, period: Period) -> JsonResponse:
    organisation = period.fiscal_year.organisation
    board_goals = list(board_goals_of(period))
    proposals = statuses.propose_assessments(board_goals, period)
    by_council_goal: dict[int, list[BoardGoal]] = {}
    for goal in board_goals:
        by_council_goal.setdefault(goal.council_goal_id, []).append(goal)
    council_goals = period.fiscal_year.council_goals.order_by("sort_order")
    perspectives = []
    for perspective in Perspective.objects.filter(organisation=organisation).order_by("sort_order"):
        perspectives.append(
            {
                "code": perspective.code,
                "name": perspective.name,
                "long_name": perspective.long_name,
                "council_goals": [
                    {
                        "code": council_goal.code,
                        "name": council_goal.name,
                        "board_goals": [
                            board_goal_json(goal, proposals[goal.pk])
                            for goal in by_council_goal.get(council_goal.pk, [])
                        ],
                    }
                    for council_goal in council_goals
                    if council_goal.perspective_id == perspective.pk
                ],
            }
        )
    return json_response({"period": period.key, "perspectives": perspectives})


def board_goal_json(goal: BoardGoal, proposal: str) -> dict[str, Any]:
    current = current_of(goal)
    return {
        "code": goal.code,
        "name": goal.name,
        "description": goal.description,
        "responsible_units": sorted(unit.code for unit in goal.responsible_units.all()),
        "carried_over_from": goal.carried_over_from.code if goal.carried_over_from else None,
        "indicators": [indicator.code for indicator in goal.indicators.all()],
        "assessment": current_json(current) if current else None,
        "proposal": proposal_json(proposal),
    }


@period_view
def assessments(request: HttpRequest, period: Period) -> JsonResponse:
    results = []
    for goal in board_goals_of(period):
        current = current_of(goal)
        results.append(
            {
                "goal": goal.code,
                "goal_name": goal.name,
                "perspective": goal.council_goal.perspective.code,
                "current": current_json(current) if current else None,
                "history": history_json(current) if current else [],
            }
        )
    return json_response({"period": period.key, "results": results})


def indicator_json(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "description": indicator.description,
        "measure": indicator.measure,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "unit": indicator.unit.code if indicator.unit else None,
        "parent": indicator.parent.code if indicator.parent else None,
        "part_of_parent": indicator.is_part_of_parent,
        "gender_split": indicator.gender_split,
        "formula": indicator.formula,
        "in_core_volumes": indicator.in_core_volumes,
        "in_personnel": indicator.in_personnel,
        "kolada_kpi": indicator.kolada_kpi,
        "board_goals": [goal.code for goal in indicator.board_goals.all()],
        "targets": [
            {
                "year": target.year,
                "text": target.text,
                "comparator": target.comparator,
                "value": decimal_string(target.value),
                "tolerance": decimal_string(target.tolerance),
            }
            for target in sorted(indicator.targets.all(), key=lambda target: target.year)
        ],
    }


@period_view
def indicators(request: HttpRequest, period: Period) -> JsonResponse:
    queryset = (
        Indicator.objects.filter(organisation=period.fiscal_year.organisation)
        .select_related("unit", "parent")
        .prefetch_related(
            Prefetch(
                "board_goals", queryset=BoardGoal.objects.filter(fiscal_year=period.fiscal_year)
            ),
            "targets",
        )
        .order_by("sort_order", "code")
    )
    return json_response({"period": period.key, **paginated(request, queryset, indicator_json)})


def values_known_at(period: Period) -> Q:
    """Actual values of measurement periods ending by the period's end; forecasts and plans of
    its year and earlier."""
    return (
        Q(year__lt=period.year)
        | Q(year=period.year, through_month__lte=period.end_month)
        | Q(year=period.year, kind__in=[IndicatorValue.Kind.FORECAST, IndicatorValue.Kind.PLAN])
    )


def value_json(value: IndicatorValue, status: str | None) -> dict[str, Any]:
    return {
        "indicator": value.indicator.code,
        "period": str(value.year)
        if value.through_month == 12
        else f"{value.year}-{value.through_month:02d}",
        "year": value.year,
        "through_month": value.through_month,
        "kind": value.kind,
        "gender": value.gender,
        "value": decimal_string(value.value, value.written_decimals),
        "missing": value.is_missing,
        "note": value.note,
        "source": value.source,
        "status": status,
    }


def choice_filter(request: HttpRequest, name: str, choices: Iterable[str]) -> str | None:
    value = request.GET.get(name)
    if value and value not in choices:
        raise ApiError(
            400,
            "invalid_parameter",
            _("%(name)s måste vara ett av: %(choices)s.")
            % {"name": name, "choices": ", ".join(choices)},
        )
    return value or None


@period_view
def indicator_values(request: HttpRequest, period: Period) -> JsonResponse:
    queryset = (
        IndicatorValue.objects.filter(indicator__organisation=period.fiscal_year.organisation)
        .filter(values_known_at(period))
        .select_related("indicator")
        .order_by(
            "indicator__sort_order",
            "indicator__code",
            "year",
            "through_month",
            "kind",
            "gender",
            "pk",
        )
    )
    if code := request.GET.get("indicator"):
        queryset = queryset.filter(indicator__code=code)
    if kind := choice_filter(request, "kind", IndicatorValue.Kind.values):
        queryset = queryset.filter(kind=kind)
    if gender := choice_filter(request, "gender", IndicatorValue.Gender.values):
        queryset = queryset.filter(gender=gender)
    organisation = period.fiscal_year.organisation
    targets = {
        (target.indicator_id, target.year): target
        for target in IndicatorTarget.objects.filter(indicator__organisation=organisation)
    }
    settings = statuses.settings_for(organisation)

    def serialise(value: IndicatorValue) -> dict[str, Any]:
        target = targets.get((value.indicator_id, value.year))
        status = statuses.value_status(value.indicator, value.value, target, settings)
        return value_json(value, status)

    return json_response({"period": period.key, **paginated(request, queryset, serialise)})


@period_view
def economy_table(request: HttpRequest, period: Period, table: str) -> JsonResponse:
    if table not in ECONOMY_TABLES:
        raise ApiError(404, "not_found", _("Tabellen finns inte."))
    built = getattr(economy_tables, ECONOMY_TABLES[table])(period)
    slug = period.fiscal_year.organisation.slug
    rows_address = request.build_absolute_uri(
        reverse("api:ledger-rows", kwargs={"slug": slug, "key": period.key})
    )

    def rows_url(reference: dict) -> str | None:
        """The rows behind a ledger figure of a unit or the whole organisation; a figure of
        an account class or one side (revenues, costs) is traced through its units."""
        if reference["kind"] != "ledger" or not ({"unit", "org"} & set(reference)):
            return None
        months = reference.get("months") or []
        if not months or "year" not in reference:
            return None
        query = {"year": reference["year"], "months": f"{months[0]}-{months[-1]}"}
        if "unit" in reference:
            query["unit"] = reference["unit"]
        return f"{rows_address}?{urlencode(query)}"

    return json_response({"period": period.key, "table": table_json(built, rows_url)})


ROWS_LIMIT = 100


@period_view
def ledger_rows(request: HttpRequest, period: Period) -> JsonResponse:
    """The imported ledger rows behind a figure: a unit's or the organisation's, of months of
    the period's year or the year before, on one account or all; paged."""
    organisation = period.fiscal_year.organisation
    year = int_param(request, "year", period.year, period.year - 1, period.year)
    months = months_param(request, period)
    account = request.GET.get("account") or None
    if account is not None and len(account) > 20:
        raise ApiError(400, "invalid_parameter", _("account är för långt."))
    unit = request.GET.get("unit") or None
    if unit is not None and (len(unit) > 40 or not organisation.units.filter(code=unit).exists()):
        raise ApiError(404, "not_found", _("Verksamheten finns inte."))
    limit = int_param(request, "limit", ROWS_LIMIT, 1, MAX_ROWS_LIMIT)
    offset = int_param(request, "offset", 0, 0, 2**31)
    try:
        found = rows_page(
            organisation,
            year,
            months,
            unit_code=unit,
            account=account,
            limit=limit,
            offset=offset,
            wait_for=PREPARED_WHILE_WAITING,
        )
    except NotPrepared as waiting:
        prepare_later(waiting.batches)
        raise ApiError(
            503,
            "not_ready",
            _("Raderna förbereds för spårning efter importen. Försök igen om en stund."),
        ) from None

    def link(new_offset: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(new_offset)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    imports = {batch.pk: batch for batch in found.batches}
    return json_response(
        {
            "period": period.key,
            "reference": {
                "kind": "ledger",
                **({"unit": unit} if unit else {"org": organisation.slug}),
                "year": year,
                "months": months,
                **({"account": account} if account else {}),
            },
            "count": found.count,
            "sum": decimal_string(found.total),
            "limit": limit,
            "offset": offset,
            "next": link(offset + limit) if offset + limit < found.count else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "results": [
                {
                    "file": row["file"],
                    "line": row["line"],
                    "year": row["year"],
                    "month": row["month"],
                    "unit": row["unit"],
                    "account": row["account"],
                    "activity": row["activity"],
                    "project": row["project"],
                    "text": row["text"],
                    "amount": decimal_string(row["amount"]),
                    "import": {
                        "id": row["batch"],
                        "file": imports[row["batch"]].source_name,
                        "imported_at": iso(imports[row["batch"]].imported_at),
                        "sha256": imports[row["batch"]].checksum,
                    },
                }
                for row in found.rows
            ],
        }
    )


def months_param(request: HttpRequest, period: Period) -> list[int]:
    """``months``: "3" or "1-8"; by default January to the period's last month."""
    raw = request.GET.get("months", "")
    if not raw:
        return list(range(1, period.end_month + 1))
    first, _sep, last = raw.partition("-")
    if (
        len(raw) > 5
        or not first.isdigit()
        or not (last or first).isdigit()
        or not 1 <= int(first) <= int(last or first) <= 12
    ):
        raise ApiError(
            400, "invalid_parameter", _("months måste vara en månad (3) eller flera (1-8).")
        )
    return list(range(int(first), int(last or first) + 1))

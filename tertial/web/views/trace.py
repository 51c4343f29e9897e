"""What a figure is made of: a ledger or budget figure by account (class) and month, then the
ledger rows behind one account and month, with the file, line and import they came from."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from tertial.access.rules import get_period_for, get_unit_for
from tertial.core.months import month_abbreviation, month_name, months_to
from tertial.economy.breakdown import BUDGET, LEDGER, budget_breakdown, ledger_breakdown
from tertial.ingest.ledger.tracing import PREPARED_WHILE_WAITING, NotPrepared, rows_page
from tertial.ingest.tasks import prepare_later
from tertial.organisation.models import Period, Unit
from tertial.web.views.common import member_page, page_context

ROWS_PER_PAGE = 100
# Longer codes than the chart allows cannot name an account: refused before any file is read.
MAX_ACCOUNT_LENGTH = 20


def _number(request: HttpRequest, name: str, lowest: int, highest: int) -> int | None:
    """A whole number from the query string within bounds; None when absent; 404 otherwise,
    as for any address that names nothing."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9 or not lowest <= int(raw) <= highest:
        raise Http404
    return int(raw)


def _scope(request: HttpRequest, slug: str, key: str) -> tuple[Period, Unit | None, int]:
    """The period, the unit (None: the whole organisation) and the year asked for: the
    period's year or the one before (the same months last year)."""
    period = get_period_for(request, slug, key)
    unit_pk = _number(request, "unit", 1, 2**31)
    unit = get_unit_for(request, period, unit_pk) if unit_pk is not None else None
    year = _number(request, "year", period.year - 1, period.year) or period.year
    return period, unit, year


def trace_url(period: Period, **params) -> str:
    """The address of a figure's breakdown (``rows``: of its rows) with ``params``."""
    name = "trace_rows" if params.pop("rows", False) else "trace"
    address = reverse(name, args=[period.fiscal_year.organisation.slug, period.key])
    present = {k: v for k, v in params.items() if v is not None}
    return f"{address}?{urlencode(present)}" if present else address


def figure_urls(period: Period, unit: Unit | None = None) -> dict[str, str]:
    """Where each of a unit's (or the organisation's) figures opens what it is made of."""
    unit_pk = unit.pk if unit else None
    return {
        "actual": trace_url(period, unit=unit_pk),
        "budget": trace_url(period, what=BUDGET, unit=unit_pk),
        "previous_year": trace_url(period, unit=unit_pk, year=period.year - 1),
        "full_year_budget": trace_url(period, what=BUDGET, unit=unit_pk, months="year"),
    }


def _language() -> str:
    return translation.get_language() or "sv"


def _month_label(month: int) -> str:
    return month_abbreviation(month, _language()).rstrip(".")


@member_page
def trace_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A ledger or budget figure by account (class) and month, each sum opening its rows."""
    period, unit, year = _scope(request, slug, key)
    kind = request.GET.get("what", LEDGER)
    if kind not in {LEDGER, BUDGET}:
        raise Http404
    full_year = request.GET.get("months") == "year"
    last_month = 12 if full_year else period.end_month
    organisation = period.fiscal_year.organisation
    read = ledger_breakdown if kind == LEDGER else budget_breakdown
    breakdown = read(organisation, year, last_month, unit)
    unit_pk = unit.pk if unit else None
    rows = [
        (
            row,
            [
                (
                    row.months.get(month),
                    trace_url(
                        period, rows=True, unit=unit_pk, year=year, month=month, account=row.code
                    )
                    if kind == LEDGER and month in row.months
                    else "",
                )
                for month in breakdown.months
            ],
        )
        for row in breakdown.rows
    ]
    context = page_context(request, period, "dashboard")
    context.update(
        {
            "unit": unit,
            "breakdown": breakdown,
            "rows": rows,
            "month_labels": [(month, _month_label(month)) for month in breakdown.months],
            "months_label": months_to(last_month, year, _language()),
            "month_totals": [
                (
                    breakdown.month_total(month),
                    trace_url(period, rows=True, unit=unit_pk, year=year, month=month)
                    if kind == LEDGER
                    else "",
                )
                for month in breakdown.months
            ],
        }
    )
    return render(request, "web/trace.html", context)


@member_page
def trace_rows(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The ledger rows behind a unit's (or the organisation's) month, on one account or all,
    a page at a time."""
    period, unit, year = _scope(request, slug, key)
    month = _number(request, "month", 1, 12)
    if month is None:
        raise Http404
    account = request.GET.get("account") or None
    if account is not None and len(account) > MAX_ACCOUNT_LENGTH:
        raise Http404
    number = _number(request, "page", 1, 10**7) or 1
    context = page_context(request, period, "dashboard")
    context.update(
        {
            "unit": unit,
            "year": year,
            "month": month,
            "account": account,
            "month_label": month_name(month, _language()),
            "breakdown_url": trace_url(period, unit=unit.pk if unit else None, year=year),
        }
    )
    try:
        found = rows_page(
            period.fiscal_year.organisation,
            year,
            month,
            unit_code=unit.code if unit else None,
            account=account,
            limit=ROWS_PER_PAGE,
            offset=(number - 1) * ROWS_PER_PAGE,
            wait_for=PREPARED_WHILE_WAITING,
        )
    except NotPrepared as waiting:
        prepare_later(waiting.batches)
        context["preparing"] = waiting.batches
        return render(request, "web/trace_rows.html", context)
    batches = {batch.pk: batch for batch in found.batches}
    pages = max(1, -(-found.count // ROWS_PER_PAGE))
    if number > pages:
        raise Http404

    def page_url(to: int) -> str:
        return trace_url(
            period,
            rows=True,
            unit=unit.pk if unit else None,
            year=year,
            month=month,
            account=account,
            page=to,
        )

    context.update(
        {
            "found": found,
            "net": -found.total,
            "rows": [{**row, "import": batches[row["batch"]]} for row in found.rows],
            "number": number,
            "pages": pages,
            "first_row": (number - 1) * ROWS_PER_PAGE + 1,
            "last_row": (number - 1) * ROWS_PER_PAGE + len(found.rows),
            "previous_url": page_url(number - 1) if number > 1 else "",
            "next_url": page_url(number + 1) if number < pages else "",
        }
    )
    return render(request, "web/trace_rows.html", context)

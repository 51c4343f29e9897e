"""Indicator values entered on the unit and goal pages: each indicator's row with its form,
and the saving of one posted form."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.rules import Action, allowed
from tertial.audit.history import histories
from tertial.goals.models import STATUS_LABELS, Indicator
from tertial.goals.rows import IndicatorRow
from tertial.goals.services import save_indicator_values, values_version
from tertial.organisation.models import Period
from tertial.web.forms import IndicatorValueForm, plain_number, values_by_gender
from tertial.web.views.common import (
    Conflict,
    conflict_with,
    form_html,
    initial_or_restored,
    is_restored,
    save_form,
)

GENDER_WORDS = {"T": gettext_lazy("Totalt"), "K": gettext_lazy("Kvinnor"), "M": gettext_lazy("Män")}


def form_key(indicator: Indicator) -> str:
    return f"indicator-{indicator.pk}"


def _values_text(values: dict) -> str:
    """Values by gender as text, rows or typed text alike ("Totalt: 4,3; Kvinnor: 5,6")."""

    def text(value) -> str:
        if isinstance(value, str):
            return value
        if value is None or value.value is None:
            return "I.U."
        return plain_number(value.value)

    if list(values) == ["T"]:
        return text(values["T"])
    return "; ".join(f"{GENDER_WORDS[gender]}: {text(value)}" for gender, value in values.items())


def row_histories(rows: list[IndicatorRow]) -> dict[int, list]:
    """Each row's value history by indicator id, in one query for all the rows."""
    changes = histories([row.current for row in rows if row.current])
    return {row.indicator.pk: changes[row.current.pk] if row.current else [] for row in rows}


def indicator_items(
    request: HttpRequest,
    period: Period,
    rows: list[IndicatorRow],
    histories_by_id: dict[int, list],
    *,
    open_now: bool,
    action_url: Callable[[Indicator], str],
    kept: dict | None,
    bound: dict | None = None,
) -> list[dict]:
    """Each row with its history and, where the person may enter its value now (``open_now``:
    the state allows it), its form posting to ``action_url(indicator)``: the posted one in
    ``bound`` (by indicator id, with its conflict), else one filled from the data or as typed
    before a sign-in (``kept``)."""
    items = []
    for row in rows:
        key = form_key(row.indicator)
        form, conflict = (bound or {}).get(row.indicator.pk, (None, None))
        from_data = False
        if (
            form is None
            and open_now
            and not row.indicator.formula
            and allowed(request, Action.EDIT_INDICATOR, row.indicator)
        ):
            from_data = not is_restored(kept, key)
            shown = {
                gender: "" if value is None or value.value is None else plain_number(value.value)
                for gender, value in row.current_by_gender.items()
            }
            form = IndicatorValueForm(
                initial=initial_or_restored(
                    kept,
                    key,
                    {
                        "form": key,
                        "base_version": values_version(row.current_by_gender),
                        "value": shown.get("T", ""),
                        "women": shown.get("K", ""),
                        "men": shown.get("M", ""),
                        "note": row.current.note if row.current else "",
                    },
                ),
                indicator=row.indicator,
            )
        items.append(
            {
                "row": row,
                "form": form,
                "form_html": form_html(
                    form, period, ("indicator-form", period.pk, row.indicator.pk), from_data
                ),
                "action": action_url(row.indicator) if form is not None else "",
                "conflict": conflict,
                "history": histories_by_id[row.indicator.pk],
                "status_label": STATUS_LABELS.get(row.status, ""),
            }
        )
    return items


def save_value(
    request: HttpRequest,
    period: Period,
    indicator: Indicator,
    show_again: Callable[[dict, int], HttpResponse],
) -> HttpResponse:
    """Save the posted value of ``indicator`` for ``period`` (and the women's and men's of an
    indicator split by gender); ``show_again(bound, status)`` shows the page with the form
    that was not saved, by indicator id."""

    def conflict(stale, data) -> Conflict:
        typed = {
            gender: request.POST.get(field, "") or "I.U."
            for gender, field in (("T", "value"), ("K", "women"), ("M", "men"))
            if gender in stale.current
        }
        return conflict_with(stale.current, _values_text(stale.current), _values_text(typed))

    outcome = save_form(
        request,
        lambda **kwargs: IndicatorValueForm(indicator=indicator, **kwargs),
        lambda data: save_indicator_values(
            indicator,
            period.year,
            period.end_month,
            values_by_gender(indicator, data),
            note=data["note"],
            source=_("inmatat i tertial"),
            actor=request.user,
            base_version=data["base_version"],
        ),
        saved=_("Värdet för %(name)s är sparat.") % {"name": indicator.name},
        conflict=conflict,
    )
    if outcome.response is not None:
        return outcome.response
    return show_again({indicator.pk: (outcome.form, outcome.conflict)}, outcome.status)

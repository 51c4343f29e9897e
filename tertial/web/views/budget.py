"""The budget page: a controller sets a unit's budget of an account class for the period's
year as one year figure, spread over the months by a periodisation key (twelfths, last
year's monthly profile in the ledger, or twelve weights of their own); the year's budget of
every unit is listed below. An imported budget file is the other way (the import page)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.rules import Action, get_period_for
from tertial.core.errors import Refused
from tertial.core.numbers import parse_decimal
from tertial.economy import queries as economy
from tertial.economy.models import AccountClass
from tertial.economy.services import set_year_budget
from tertial.organisation.models import Period, Unit
from tertial.web.forms import RENDERER, TkrField
from tertial.web.views.common import done, member_action, member_page, page_context

MONTHS = 12
KEYS = [
    ("twelfths", gettext_lazy("Tolftedelar: lika mycket varje månad")),
    ("previous_year", gettext_lazy("Föregående års månadsprofil i huvudboken")),
    ("custom", gettext_lazy("Egen nyckel: tolv vikter")),
]


def parse_weights(text: str) -> list:
    """Twelve weights as a person types them, separated by spaces or semicolons ("8,5 8 …")."""
    parts = [p for p in re.split(r"[\s;]+", text.strip()) if p]
    if len(parts) != MONTHS:
        raise ValidationError(
            _("Skriv tolv vikter, en per månad januari–december; du skrev %(count)s.")
            % {"count": len(parts)}
        )
    weights = []
    for month, part in enumerate(parts, start=1):
        try:
            weight = parse_decimal(part)
        except (ValueError, ArithmeticError):
            raise ValidationError(
                _("Vikten för månad %(month)s (%(text)s) är inget tal.")
                % {"month": month, "text": part}
            ) from None
        if weight < 0:
            raise ValidationError(_("Vikten för månad %(month)s är negativ.") % {"month": month})
        weights.append(weight)
    if not any(weights):
        raise ValidationError(_("Vikterna är alla noll: det finns inget att fördela efter."))
    return weights


class BudgetForm(forms.Form):
    default_renderer = RENDERER

    unit = forms.ModelChoiceField(label=gettext_lazy("Verksamhet"), queryset=Unit.objects.none())
    account_class = forms.ModelChoiceField(
        label=gettext_lazy("Kontoklass"), queryset=AccountClass.objects.none()
    )
    amount = TkrField(
        label=gettext_lazy("Budget helår (tkr)"),
        help_text=gettext_lazy("Intäkter och kostnader som positiva belopp."),
    )
    key = forms.ChoiceField(
        label=gettext_lazy("Periodiseringsnyckel"),
        choices=KEYS,
        initial="twelfths",
        widget=forms.RadioSelect,
    )
    weights = forms.CharField(
        label=gettext_lazy("Egna vikter (jan–dec)"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Bara för en egen nyckel: tolv tal åtskilda av mellanslag, t.ex. "
            "9 8 9 8 8 9 4 6 9 10 10 10."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.all()
        self.fields["account_class"].queryset = organisation.account_classes.all()

    def clean(self):
        data = super().clean()
        if data.get("key") == "custom":
            try:
                data["weights"] = parse_weights(data.get("weights") or "")
            except ValidationError as error:
                self.add_error("weights", error)
        return data


@member_page
def budget_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_budget(request, get_period_for(request, slug, key, Action.IMPORT))


def render_budget(
    request: HttpRequest, period: Period, form: BudgetForm | None = None, status: int = 200
) -> HttpResponse:
    organisation = period.organisation
    context = page_context(request, period, "imports")
    context.update(
        {
            "form": form or BudgetForm(organisation=organisation),
            "budgets": economy.year_budgets(organisation, period.year),
        }
    )
    return render(request, "web/budget.html", context, status=status)


@member_action("budget")
def set_budget(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    form = BudgetForm(request.POST, organisation=period.organisation)
    if not form.is_valid():
        return render_budget(request, period, form, status=400)
    data = form.cleaned_data
    try:
        set_year_budget(
            data["unit"],
            data["account_class"],
            period.year,
            data["amount"],
            data["weights"] if data["key"] == "custom" else data["key"],
            actor=request.user,
        )
    except Refused as error:
        form.add_error(None, " ".join([str(error), *error.details]))
        return render_budget(request, period, form, status=400)
    return done(
        request,
        _("Budgeten %(year)s för %(unit)s, %(class)s är sparad.")
        % {"year": period.year, "unit": data["unit"].name, "class": data["account_class"].name},
    )

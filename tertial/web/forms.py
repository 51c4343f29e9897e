"""Forms of the web pages. Amounts are typed in tkr, as every table shows them."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from tertial.access.models import Membership
from tertial.core.evaluation import validate_value
from tertial.core.months import month_name
from tertial.core.numbers import LARGEST_AMOUNT, parse_decimal, storage_problem
from tertial.goals.models import Assessment, Indicator
from tertial.narrative.models import DecisionEvent
from tertial.organisation.models import Period, Unit
from tertial.platform.i18n import translated

ALLOWED_UPLOAD_EXTENSIONS = ("csv", "xlsx", "parquet")


class TkrField(forms.CharField):
    """An amount typed in tkr ("2 600", "−1 030,5"), cleaned to exact kronor that both
    databases keep (core.numbers.LARGEST_AMOUNT)."""

    # Longer than any amount that can be stored, however it is grouped.
    MAX_TYPED = 40

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            if len(value) > self.MAX_TYPED:
                raise ValueError(value)
            kronor = parse_decimal(value) * 1000
        except (ValueError, ArithmeticError):
            raise ValidationError(
                _("Skriv ett belopp i tkr, t.ex. 2 600 eller −1 030,5.")
            ) from None
        problem = storage_problem(kronor)
        if problem == "decimals":
            raise ValidationError(_("Skriv beloppet i tkr med högst fem decimaler (hela ören)."))
        if problem:
            raise ValidationError(
                _("Beloppet är för stort: det måste vara mindre än %(limit)s tkr.")
                % {"limit": plain_number((LARGEST_AMOUNT + Decimal("0.01")) / 1000)}
            )
        return kronor


# Django's own form templates rendered by Jinja2: the same HTML, but for the white space
# between a radio button and its label, in 60 % of the time Django's template engine takes
# (0.6 ms instead of 1 ms a form). The pages render their forms whenever the data changed.
RENDERER = Jinja2()


class VersionedForm(forms.Form):
    """A form that names itself (``form``) and the version it was based on."""

    default_renderer = RENDERER

    form = forms.CharField(widget=forms.HiddenInput)
    base_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Several forms of one kind share a page: their ids must differ.
        key = self.data.get("form") if self.is_bound else self.initial.get("form")
        if key:
            self.auto_id = f"id_{key}_%s"


class ForecastForm(VersionedForm):
    net_result = TkrField(
        label=_("Prognos nettoresultat helår (tkr)"),
        help_text=_("Intäkter minus kostnader; överskott positivt."),
    )
    revenues = TkrField(label=_("varav intäkter (tkr)"), required=False)
    costs = TkrField(label=_("varav kostnader (tkr)"), required=False)
    comment = forms.CharField(
        label=_("Analys och kommentar"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Krävs när prognosen avviker väsentligt från budget."),
    )


class InvestmentOutcomeForm(VersionedForm):
    expenditure_to_date = TkrField(label=_("Utgifter hittills (tkr)"))
    income_to_date = TkrField(label=_("Inkomster hittills (tkr)"))
    forecast_expenditure = TkrField(label=_("Prognos utgifter helår (tkr)"))
    forecast_income = TkrField(label=_("Prognos inkomster helår (tkr)"))
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvestmentProjectForm(forms.Form):
    default_renderer = RENDERER

    code = forms.CharField(label=_("Projektkod"), max_length=40)
    name = forms.CharField(label=_("Namn"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Verksamhet"), queryset=Unit.objects.none())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.all()


class InvestmentFrameForm(forms.Form):
    default_renderer = RENDERER

    amount = TkrField(
        label=_("Belopp (tkr)"), help_text=_("En ändring av ramen: ökningen eller minskningen.")
    )
    approved_on = forms.DateField(
        label=_("Beslutad"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=500)


class IndicatorValueForm(VersionedForm):
    value = forms.CharField(
        label=_("Värde"),
        required=False,
        help_text=_("Tomt betyder I.U. (inget underlag)."),
    )
    note = forms.CharField(label=_("Anmärkning"), required=False, max_length=200)

    # An indicator split by gender carries its women's and men's values beside the total.
    GENDER_FIELDS = {"women": ("K", _("Kvinnor")), "men": ("M", _("Män"))}

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.gender_split:
            for name, (_code, label) in self.GENDER_FIELDS.items():
                self.fields[name] = forms.CharField(label=label, required=False)
            # The note belongs after the values.
            self.order_fields(["form", "base_version", "value", "women", "men", "note"])

    def _number(self, text: str):
        text = text.strip()
        if not text:
            return None
        for suffix in ("%", "tkr", "sekunder", "sek", "s"):
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
                break
        try:
            value = parse_decimal(text)
        except (ValueError, ArithmeticError):
            raise ValidationError(_("Skriv ett tal, t.ex. 91 eller 4,3.")) from None
        problem = validate_value(self.indicator.measure, value)
        if problem:
            raise ValidationError(translated(problem))
        return value

    def clean_value(self):
        return self._number(self.cleaned_data["value"])

    def clean_women(self):
        return self._number(self.cleaned_data["women"])

    def clean_men(self):
        return self._number(self.cleaned_data["men"])


def values_by_gender(indicator: Indicator, cleaned_data: dict) -> dict:
    """An indicator value form's cleaned values by gender code (T, and K and M when split)."""
    values = {"T": cleaned_data["value"]}
    if indicator.gender_split:
        for name, (code, _label) in IndicatorValueForm.GENDER_FIELDS.items():
            values[code] = cleaned_data[name]
    return values


def plain_number(value: Decimal) -> str:
    """A number as a Swedish person types it into a form and reads it back after saving:
    "−1 030,5" with a plain space between thousands and a hyphen for minus (both typable),
    no trailing zeros."""
    normal = value.normalize()
    decimals = max(0, -normal.as_tuple().exponent)
    return f"{normal:,.{decimals}f}".replace(",", " ").replace(".", ",")


def tkr_input(amount: Decimal | None) -> str:
    """An amount in kronor as typed in tkr ("2 600", "-1 030,5")."""
    return "" if amount is None else plain_number(amount / 1000)


class AssessmentForm(VersionedForm):
    value = forms.ChoiceField(
        label=_("Bedömning"), choices=Assessment.Value.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea,
        help_text=_("Markdown: stycken och punktlistor."),
    )

    def clean_justification(self):
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise ValidationError(_("En bedömning måste motiveras."))
        return text


class SectionForm(VersionedForm):
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Markdown: stycken och punktlistor."),
    )


class SectionWithInstructionsForm(SectionForm):
    """A section as its controller sees it: also what the writer is asked to cover."""

    instructions = forms.CharField(
        label=_("Instruktion till skribenten"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Visas ovanför texten och följer med till nästa period."),
    )

    unit = forms.ModelChoiceField(
        label=_("Skrivs av verksamheten"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("– ingen, controller och förvaltningsledning skriver –"),
        help_text=_("Verksamhetens chefer får skriva texten medan verksamheten inte är inlämnad."),
    )

    field_order = ["instructions", "unit", "body"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.all()


class DecisionEventForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Slag"), choices=DecisionEvent.Kind.choices)
    date = forms.DateField(
        label=_("Datum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(VersionedForm):
    title = forms.CharField(label=_("Plan eller program"), max_length=300)
    body = forms.CharField(
        label=_("Uppföljning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: stycken och punktlistor."),
    )


class PlanWithUnitForm(PlanForm):
    """A plan's follow-up as its controller sees it: also which unit's heads write it."""

    unit = forms.ModelChoiceField(
        label=_("Skrivs av verksamheten"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("– ingen, controller och förvaltningsledning skriver –"),
    )

    field_order = ["title", "unit", "body"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.all()


class DeadlinesForm(forms.Form):
    default_renderer = RENDERER

    unit_deadline = forms.DateField(
        label=_("Verksamheterna lämnar in senast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    report_deadline = forms.DateField(
        label=_("Rapporten godkänns senast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class NextPeriodForm(forms.Form):
    """A new period: its year, last month, kind, title and deadlines, and the period whose
    texts to write and plans to follow up it starts with."""

    default_renderer = RENDERER

    source = forms.ChoiceField(
        label=_("Utgå från perioden"),
        required=False,
        help_text=_(
            "Den nya perioden får dess textavsnitt med instruktioner och planer att följa upp."
        ),
    )
    year = forms.TypedChoiceField(label=_("Räkenskapsår"), coerce=int)
    end_month = forms.TypedChoiceField(label=_("Till och med månad"), coerce=int)
    kind = forms.ChoiceField(label=_("Typ"), choices=Period.Kind.choices)
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        required=False,
        help_text=_("Tom: typen och månaderna, till exempel Tertialrapport januari–april 2021."),
    )
    unit_deadline = forms.DateField(
        label=_("Verksamheterna lämnar in senast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    report_deadline = forms.DateField(
        label=_("Rapporten godkänns senast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, periods, years, language="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {period.key: period for period in periods}
        self.fields["source"].choices = [("", _("Ingen: inga texter"))] + [
            (period.key, str(period)) for period in periods
        ]
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["end_month"].choices = [
            (month, month_name(month, language)) for month in range(1, 13)
        ]

    def clean_source(self) -> Period | None:
        """The period chosen to start from, or None."""
        return self.periods.get(self.cleaned_data["source"])


class NextYearForm(forms.Form):
    """The confirmation of the next fiscal year as it was shown."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("Anledning till upplåsning"), widget=forms.Textarea)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("CSV, Excel (.xlsx) eller Parquet."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in ALLOWED_UPLOAD_EXTENSIONS:
            raise ValidationError(_("Bara filer av typ csv, xlsx eller parquet kan läsas in."))
        if upload.size > settings.TERTIAL_MAX_UPLOAD_BYTES:
            raise ValidationError(too_large_message())
        return upload


def too_large_message() -> str:
    return _("Filen är för stor (högst %(limit)s byte).") % {
        "limit": settings.TERTIAL_MAX_UPLOAD_BYTES
    }


class RoleForm(forms.Form):
    """A role in the organisation, with the units of a unit head."""

    default_renderer = RENDERER

    role = forms.ChoiceField(label=_("Roll"), choices=Membership.Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Verksamheter (för en verksamhetschef)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [c for c in Membership.Role.choices if c[0] in roles]
        self.fields["units"].queryset = organisation.units.all()

    def clean(self):
        data = super().clean()
        if data.get("role") == Membership.Role.UNIT_HEAD and not data.get("units"):
            self.add_error("units", _("En verksamhetschef ansvarar för minst en verksamhet."))
        if data.get("role") != Membership.Role.UNIT_HEAD:
            data["units"] = []
        return data


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-postadress"), max_length=254)
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)

    field_order = ["email", "first_name", "last_name", "role", "units"]

"""Admin for goals and indicators.

Assessments are read-only here: a judgement is made through save_assessment (the web's goal
page), which keeps the history and the proposal and writes the audit log. Targets are entered
as text and parsed like the organisation folder's; formulas are checked before they are saved.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tertial.core import formula
from tertial.core.targets import TargetFormatError, parse_target
from tertial.goals.models import (
    Assessment,
    AssessmentItem,
    BoardGoal,
    CouncilGoal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    KoladaKpi,
    KoladaValue,
    Perspective,
)
from tertial.platform.i18n import translated


@admin.register(Perspective)
class PerspectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "long_name", "code", "organisation", "sort_order"]
    list_filter = ["organisation"]


@admin.register(CouncilGoal)
class CouncilGoalAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "perspective", "fiscal_year"]
    list_filter = ["fiscal_year__organisation", "fiscal_year__year"]


@admin.register(BoardGoal)
class BoardGoalAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "council_goal", "fiscal_year", "carried_over_from"]
    list_filter = ["fiscal_year__organisation", "fiscal_year__year"]
    search_fields = ["name", "code"]
    filter_horizontal = ["responsible_units"]


class IndicatorTargetForm(forms.ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "text"]

    def clean(self):
        data = super().clean()
        indicator = self.instance.indicator if self.instance.indicator_id else None
        direction = getattr(indicator, "direction", "higher")
        try:
            parsed = parse_target(data.get("text") or "", direction)
        except TargetFormatError as exc:
            raise ValidationError({"text": translated(exc)}) from exc
        if parsed is None:
            raise ValidationError(
                {"text": _("Ett målvärde behövs; ta bort raden om målet saknas.")}
            )
        self.instance.comparator = parsed.comparator
        self.instance.value = parsed.value
        self.instance.tolerance = parsed.tolerance
        return data


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    form = IndicatorTargetForm
    extra = 0
    fields = ["year", "text", "comparator", "value", "tolerance"]
    readonly_fields = ["comparator", "value", "tolerance"]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        exclude: list[str] = []

    def clean_formula(self):
        text = (self.cleaned_data.get("formula") or "").strip()
        if not text:
            return ""
        organisation = self.cleaned_data.get("organisation") or self.instance.organisation
        others = Indicator.objects.filter(organisation=organisation)
        codes = set(others.values_list("code", flat=True)) | {self.cleaned_data.get("code")}
        formulas = {
            code: f for code, f in others.exclude(formula="").values_list("code", "formula")
        }
        formulas[self.cleaned_data.get("code") or self.instance.code] = text
        try:
            formula.check_names(text, codes)
            formula.check_cycles(formulas)
        except formula.FormulaError as exc:
            raise ValidationError(str(exc)) from exc
        return text


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["name", "code", "measure", "direction", "unit", "parent", "organisation"]
    list_filter = ["organisation", "measure", "in_core_volumes", "in_personnel"]
    search_fields = ["name", "code", "kolada_kpi"]
    filter_horizontal = ["board_goals"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "through_month", "kind", "gender", "value", "source"]
    list_filter = ["indicator__organisation", "year", "kind", "gender"]
    search_fields = ["indicator__code", "indicator__name", "source"]
    # Values change through set_indicator_value or an import, which validate and audit them.
    readonly_fields = [f.name for f in IndicatorValue._meta.fields]

    def has_add_permission(self, request):
        return False


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0
    readonly_fields = ["kind", "text", "sort_order"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["board_goal", "period", "value", "proposed_value", "updated_by", "updated_at"]
    list_filter = ["period__fiscal_year__organisation", "period", "value"]
    readonly_fields = [f.name for f in Assessment._meta.fields]
    inlines = [AssessmentItemInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KoladaKpi)
class KoladaKpiAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "has_ou_data", "is_divided_by_gender"]
    search_fields = ["id", "title"]


@admin.register(KoladaValue)
class KoladaValueAdmin(admin.ModelAdmin):
    list_display = ["kpi", "municipality", "ou", "year", "gender", "value", "status"]
    list_filter = ["year", "gender"]
    search_fields = ["kpi", "municipality", "ou"]

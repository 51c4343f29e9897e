from django.contrib import admin

from tertial.organisation.models import FiscalYear, Organisation, Period, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["code", "name", "parent", "sort_order", "starts_on", "ends_on"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "municipality"]
    search_fields = ["name", "slug"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation", "starts_on", "ends_on"]
    list_filter = ["organisation"]
    search_fields = ["name", "code"]


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year"]
    list_filter = ["organisation"]
    inlines = [PeriodInline]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "status", "deadline", "fiscal_year"]
    list_filter = ["kind", "status", "fiscal_year__organisation"]

from django.contrib import admin

from tertial.narrative.models import DecisionEvent, NarrativeSection, PlanFollowUp


@admin.register(NarrativeSection)
class NarrativeSectionAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "period", "updated_at"]
    list_filter = ["period__fiscal_year__organisation", "period"]
    search_fields = ["title", "body"]


@admin.register(DecisionEvent)
class DecisionEventAdmin(admin.ModelAdmin):
    list_display = ["kind", "text", "period"]
    list_filter = ["kind", "period"]


@admin.register(PlanFollowUp)
class PlanFollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "period"]
    list_filter = ["period"]

from django.contrib import admin

from tertial.reports.models import Edition


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Editions are frozen: they can be looked at, never changed or deleted here."""

    list_display = ["period", "number", "created_by", "created_at", "reason"]
    list_filter = ["period__fiscal_year__organisation", "period"]
    fields = ["period", "number", "created_by", "created_at", "reason", "checksum"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

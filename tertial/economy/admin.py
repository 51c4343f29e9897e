"""Admin for the chart of accounts, imports and the unit code aliases of the import."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tertial.economy.models import (
    Account,
    AccountClass,
    AccountRange,
    ImportBatch,
    ImportJob,
    UnitCodeAlias,
)
from tertial.economy.services.imports import undo_import


class AccountRangeInline(admin.TabularInline):
    model = AccountRange
    extra = 0


@admin.register(AccountClass)
class AccountClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "organisation", "sort_order"]
    list_filter = ["organisation", "kind"]
    inlines = [AccountRangeInline]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "account_class", "organisation"]
    list_filter = ["organisation", "account_class"]
    search_fields = ["number", "name"]


@admin.register(UnitCodeAlias)
class UnitCodeAliasAdmin(admin.ModelAdmin):
    list_display = ["source_code", "unit", "organisation", "created_by", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["source_code", "unit__code", "unit__name"]
    readonly_fields = ["created_by", "created_at"]


@admin.action(description=_("Ångra valda importer (månaderna står tomma tills de importeras igen)"))
def undo_batches(modeladmin, request, queryset):
    for batch in queryset.filter(undone_at=None):
        removed = undo_import(batch, actor=request.user)
        modeladmin.message_user(
            request,
            _("Import %(id)s ångrad: %(rows)s rader borttagna; det den ersatte återställs inte.")
            % {"id": batch.pk, "rows": removed},
            messages.WARNING,
        )


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk", "source_name", "kind", "organisation", "row_count", "total",
        "imported_by", "imported_at", "undone_at",
    ]  # fmt: skip
    list_filter = ["organisation", "kind"]
    actions = [undo_batches]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "source_name", "organisation", "status", "progress", "created_at"]
    list_filter = ["organisation", "kind", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tertial.access.models import ApiToken
from tertial.access.services import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # Tokens are created with `tertial create_api_token`, which shows the secret once;
    # here they can only be looked at and revoked.
    list_display = ["name", "prefix", "organisation", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    readonly_fields = [
        "organisation",
        "name",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Återkalla valda token"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            revoke_token(token, actor=request.user)

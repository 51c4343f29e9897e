from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from tertial.access.models import ApiToken, Membership
from tertial.access.services import grant_role, revoke_role, revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # Tokens are created with `tertial create_api_token`, which shows the secret once;
    # here they can only be looked at and revoked.
    list_display = [
        "name",
        "prefix",
        "organisation",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "works",
    ]
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

    def get_queryset(self, request):
        working = ApiToken.objects.active().filter(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("organisation", "created_by")
            .annotate(_works=Exists(working))
        )

    @admin.display(description=_("fungerar"), boolean=True, ordering="_works")
    def works(self, token: ApiToken) -> bool:
        """Not revoked, and its creator still active with a role in its organisation."""
        return token._works

    @admin.action(description=_("Återkalla valda token"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            revoke_token(token, actor=request.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships in the admin too; saved and deleted through the access services, so every
    change of rights is in the change log as it is from the people page."""

    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    filter_horizontal = ["units"]

    def save_model(self, request, obj, form, change) -> None:
        membership = grant_role(
            obj.user, obj.organisation, obj.role, form.cleaned_data["units"], actor=request.user
        )
        obj.pk, obj._state.adding = membership.pk, False

    def save_related(self, request, form, formsets, change) -> None:
        """The units were set with the role, by the service."""

    def delete_model(self, request, obj) -> None:
        revoke_role(obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset:
            revoke_role(membership, actor=request.user)

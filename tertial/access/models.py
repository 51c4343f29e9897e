"""Who may do what in which organisation: one membership per person and organisation, and
the read-only API tokens tools such as Power BI use.

Only a SHA-256 hash of a token is stored, so a copy of the database does not give access;
the short prefix lets people tell their tokens apart in lists without revealing them.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.organisation.models import Organisation, Unit


class Membership(models.Model):
    """A person's role in one organisation; unit heads also name the units they answer for."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("administratör")
        CONTROLLER = "controller", _("controller")
        # The head of administration (förvaltningschef) approves and publishes the report;
        # a role of its own rather than a flag, so that approving is never a side effect of
        # being able to edit everything.
        HEAD = "head", _("förvaltningschef")
        UNIT_HEAD = "unit_head", _("verksamhetschef")
        READER = "reader", _("läsare")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="memberships",
        verbose_name=_("verksamheter"),
        help_text=_("De verksamheter en verksamhetschef ansvarar för."),
    )

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


TOKEN_MARKER = "tertial_"
PREFIX_LENGTH = len(TOKEN_MARKER) + 6


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        """Tokens not revoked whose creator may still read their organisation: a token
        follows the person who made it, and stops when that person is deactivated or loses
        the organisation. A token made by the operator (no creator) answers to no one."""
        member = Membership.objects.filter(
            user=models.OuterRef("created_by"), organisation=models.OuterRef("organisation")
        )
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(created_by__isnull=True)
            | models.Q(created_by__is_active=True)
            & (models.Q(created_by__is_superuser=True) | models.Exists(member))
        )


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("namn"), max_length=200, help_text=_("Vad eller vem token är till."))
    prefix = models.CharField(_("början av token"), max_length=PREFIX_LENGTH, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-token")
        ordering = ["organisation", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def find_active(cls, secret: str) -> "ApiToken | None":
        return (
            cls.objects.active()
            .select_related("organisation")
            .filter(token_hash=hash_token(secret))
            .first()
        )

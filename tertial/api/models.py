"""API tokens: read-only access to one organisation's data for tools such as Power BI.

Only a SHA-256 hash of a token is stored, so a copy of the database does not give access;
the short prefix lets people tell their tokens apart in lists without revealing them.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tertial.organisation.models import Organisation

TOKEN_MARKER = "tertial_"
PREFIX_LENGTH = len(TOKEN_MARKER) + 6


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


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
    def issue(
        cls, organisation: Organisation, name: str, *, created_by=None
    ) -> tuple["ApiToken", str]:
        """Create a token and return it with its secret, which is never available again."""
        secret = TOKEN_MARKER + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organisation=organisation,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            token_hash=hash_token(secret),
            created_by=created_by,
        )
        return token, secret

    @classmethod
    def find_active(cls, secret: str) -> "ApiToken | None":
        return (
            cls.objects.active()
            .select_related("organisation")
            .filter(token_hash=hash_token(secret))
            .first()
        )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

"""One log of every change a person or an import makes: who, when, what, before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """An action with a namespaced code (``economy.forecast.saved``, ``period.unlocked``)."""

    action = models.CharField(_("händelse"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    object_type = models.CharField(_("objekttyp"), max_length=80, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=80, blank=True)
    object_repr = models.CharField(_("objekt"), max_length=300, blank=True)
    before = models.JSONField(_("före"), null=True, blank=True)
    after = models.JSONField(_("efter"), null=True, blank=True)
    reason = models.TextField(_("anledning"), blank=True)
    created_at = models.DateTimeField(_("tid"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("ändringslogg")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Versioned(models.Model):
    """A row people edit: changed in place, its ``version`` counting the saves.

    Every save goes through a service that checks the version the person's form was based
    on, raises it and records the change's before and after in the log above, which is the
    row's history (tertial.audit.history): forecasts, assessments, indicator values and
    texts keep their history this one way.
    """

    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        abstract = True

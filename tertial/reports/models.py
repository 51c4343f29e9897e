"""Frozen editions of a period's report.

When a report is approved its figures and texts are frozen as an edition: the report tree as
JSON and the HTML as rendered then. A published report is always shown from its latest
edition, so later changes of the data never change it silently; a new edition is made on
purpose, with a reason, and can be compared with the one before.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.organisation.models import Period


class Edition(models.Model):
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="report_editions")
    number = models.PositiveIntegerField(_("utgåva"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    reason = models.TextField(_("anledning"), blank=True)
    content = models.JSONField(_("rapportens innehåll"))
    html = models.TextField(_("rapporten som HTML"))
    checksum = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("rapportutgåva")
        verbose_name_plural = _("rapportutgåvor")
        ordering = ["period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="edition_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.period} – utgåva {self.number}"

    @property
    def organisation_id(self) -> int:
        return self.period.organisation_id


class EditionFile(models.Model):
    """A PDF, Word or Excel file of an edition, rendered from its frozen content once."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    data = models.BinaryField(_("fil"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utgåvefil")
        verbose_name_plural = _("utgåvefiler")
        constraints = [
            models.UniqueConstraint(fields=["edition", "format"], name="edition_file_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.edition} ({self.format})"

"""What the records app keeps in the database: batches of records, the organisation's
pseudonymisation key, indicator definitions over records and the values computed from them.

The records themselves are Parquet files under ``TERTIAL_DATA_DIR/records/`` (one per
batch, only the mapped columns): DuckDB counts millions of them in well under a second,
which a table of the database could not, and the retention rule rewrites them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.goals.models import Indicator
from tertial.organisation.models import Organisation


class RecordBatch(models.Model):
    """One imported file of records; ``months`` are those it still supplies.

    A later file of the same kind covering some of its months takes them over: they leave
    this list and the batch's rows of those months are no longer read.
    """

    class Kind(models.TextChoices):
        CASES = "cases", _("ärenden")
        CONTACTS = "contacts", _("samtal och chattar")
        SURVEYS = "surveys", _("enkätsvar")
        INVOICES = "invoices", _("leverantörsfakturor")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="record_batches"
    )
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    source_name = models.CharField(_("källfil"), max_length=500)
    checksum = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    row_count = models.PositiveBigIntegerField(_("antal poster"), default=0)
    months = models.JSONField(_("månader"), default=list, help_text="['2020-01', …]")
    file_name = models.CharField(_("sparade poster"), max_length=200)
    mapping = models.CharField(_("mappning"), max_length=200, blank=True)
    columns = models.JSONField(_("sparade kolumner"), default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    imported_at = models.DateTimeField(_("importerad"), auto_now_add=True)
    # Records older than this month were deleted by the retention rule.
    retained_from = models.CharField(_("sparade från månad"), max_length=7, blank=True)

    class Meta:
        verbose_name = _("postimport")
        verbose_name_plural = _("postimporter")
        ordering = ["organisation_id", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_kind_display()})"


class RecordKey(models.Model):
    """The organisation's secret for pseudonymised record ids: the same id gives the same
    pseudonym within the organisation, and nobody without the key can go back."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="record_key"
    )
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.organisation)


class RecordIndicator(models.Model):
    """An indicator whose value is computed from records, by its definition
    (docs/record-import.md: kind, compute, where, of, value, window, scope)."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="record_definition"
    )
    definition = models.JSONField(_("definition"))

    class Meta:
        verbose_name = _("indikator beräknad från poster")
        verbose_name_plural = _("indikatorer beräknade från poster")

    def __str__(self) -> str:
        return self.indicator.code

    @property
    def organisation_id(self) -> int:
        return self.indicator.organisation_id


class ComputedValue(models.Model):
    """A value computed from records, with what it was computed from: the definition as it
    was and the batches read, so that an approved edition can be explained later."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="computed_values"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    through_month = models.PositiveSmallIntegerField(_("till och med månad"))
    gender = models.CharField(_("kön"), max_length=1, default="T")
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=6, null=True)
    record_count = models.PositiveBigIntegerField(_("antal poster"), default=0)
    definition = models.JSONField(_("definition"))
    batches = models.JSONField(
        _("postimporter"), default=list, help_text="[{id, months: ['2020-01', …]}, …]"
    )
    months = models.JSONField(_("månader"), default=list)
    computed_at = models.DateTimeField(_("beräknat"), auto_now=True)

    class Meta:
        verbose_name = _("beräknat värde")
        verbose_name_plural = _("beräknade värden")
        ordering = ["indicator_id", "year", "through_month", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "through_month", "gender"],
                name="computed_value_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}-{self.through_month:02d} {self.gender}"

    @property
    def organisation_id(self) -> int:
        return self.indicator.organisation_id


class RecordImportJob(models.Model):
    """A record import running as a task; the web page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        RUNNING = "running", _("pågår")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="record_import_jobs"
    )
    file_path = models.CharField(_("fil"), max_length=1000)
    source_name = models.CharField(_("källfil"), max_length=500, blank=True)
    mapping = models.CharField(_("mappning"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    message = models.CharField(_("meddelande"), max_length=500, blank=True)
    errors = models.JSONField(_("fel"), default=list, blank=True)
    batch = models.ForeignKey(
        RecordBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("postimportjobb")
        verbose_name_plural = _("postimportjobb")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

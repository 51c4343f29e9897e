"""States of the follow-up work: each unit's submission and the administration's report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.organisation.models import Period, Unit


class UnitSubmission(models.Model):
    """A unit's part of one follow-up: draft → submitted → returned → submitted → approved;
    an approved unit whose figures a reviewer changes becomes "changed after approval" and
    is approved (or returned) again."""

    class State(models.TextChoices):
        DRAFT = "draft", _("utkast")
        SUBMITTED = "submitted", _("inlämnad")
        RETURNED = "returned", _("återsänd")
        APPROVED = "approved", _("godkänd")
        CHANGED = "changed", _("ändrad efter godkännande")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="submissions")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="submissions")
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    return_comment = models.TextField(_("kommentar vid återsändning"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inlämning")
        verbose_name_plural = _("inlämningar")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="submission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}: {self.get_state_display()}"

    @property
    def organisation_id(self) -> int:
        return self.unit.organisation_id


class ReportApproval(models.Model):
    """The administration's report for a period: draft → approved → published."""

    class State(models.TextChoices):
        DRAFT = "draft", _("utkast")
        APPROVED = "approved", _("godkänd")
        PUBLISHED = "published", _("publicerad")

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="approval")
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The units hand in by Period.deadline; the head approves the report by this date.
    report_deadline = models.DateField(_("sista dag för godkännande"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    edition_number = models.PositiveIntegerField(_("utgåva"), null=True, blank=True)
    # The edition the public page shows: kept when the period is unlocked, so opening a lock
    # never unpublishes; replaced only when another edition is published.
    published_edition = models.PositiveIntegerField(_("publicerad utgåva"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapportgodkännande")
        verbose_name_plural = _("rapportgodkännanden")

    def __str__(self) -> str:
        return f"{self.period}: {self.get_state_display()}"

    @property
    def organisation_id(self) -> int:
        return self.period.organisation_id

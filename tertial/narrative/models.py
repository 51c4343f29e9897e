"""The report's prose: sections, decisions and events, follow-up of plans and programmes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.audit.models import Versioned
from tertial.organisation.models import Period, Unit


class NarrativeSection(Versioned):
    """A text of the report identified by a key the report definition refers to."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="narrative_sections")
    key = models.SlugField(_("nyckel"), max_length=80)
    title = models.CharField(_("rubrik"), max_length=300, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: stycken och punktlistor.")
    )
    # What the controller asks the writer to cover; carried into the next period's section.
    instructions = models.TextField(_("instruktion till skribenten"), blank=True)
    # Whose heads write it (besides those who edit every text); carried like the instructions.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skrivs av verksamheten"),
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("textavsnitt")
        verbose_name_plural = _("textavsnitt")
        ordering = ["period", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="narrative_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def organisation_id(self) -> int:
        return self.period.organisation_id


class DecisionEvent(Versioned):
    """An important decision (beslut) or event (händelse) of the period."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("beslut")
        EVENT = "event", _("händelse")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="decisions_events")
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    date = models.DateField(_("datum"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("beslut eller händelse")
        verbose_name_plural = _("beslut och händelser")
        ordering = ["period", "kind", "sort_order"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def organisation_id(self) -> int:
        return self.period.organisation_id


class PlanFollowUp(Versioned):
    """The follow-up of one plan or programme (lokalförsörjningsplan, internkontrollplan, …)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="plan_follow_ups")
    title = models.CharField(_("plan eller program"), max_length=300)
    body = models.TextField(_("uppföljning"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skrivs av verksamheten"),
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("uppföljning av plan")
        verbose_name_plural = _("uppföljning av planer och program")
        ordering = ["period", "sort_order"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation_id(self) -> int:
        return self.period.organisation_id

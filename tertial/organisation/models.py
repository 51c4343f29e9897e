"""The organisation tree and the calendar it reports on."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """An administration (förvaltning) that writes its own follow-up reports."""

    slug = models.SlugField(_("kortnamn"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("förkortning"), max_length=40, blank=True)
    municipality = models.CharField(_("kommun"), max_length=200)
    board = models.CharField(_("nämnd"), max_length=200, blank=True)
    # Per-organisation conventions (deviation formulas, thresholds, report definition);
    # tertial.core.conventions documents the keys and their defaults.
    settings = models.JSONField(_("inställningar"), default=dict, blank=True)

    class Meta:
        verbose_name = _("förvaltning")
        verbose_name_plural = _("förvaltningar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_id(self) -> int:
        # Every model of an organisation's data answers organisation_id, this one too: the
        # cache's signals (tertial.platform.cache.watch) ask it of whatever changed.
        return self.pk


class Unit(models.Model):
    """A part of the administration with its own result (verksamhet); units form a tree."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("ansvarskod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    sort_order = models.PositiveIntegerField(_("ordning"), default=0)
    starts_on = models.DateField(_("startar"), null=True, blank=True)
    ends_on = models.DateField(_("upphör"), null=True, blank=True)

    class Meta:
        verbose_name = _("verksamhet")
        verbose_name_plural = _("verksamheter")
        ordering = ["organisation", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def exists_during(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the unit belonged to the organisation at any day from start to end."""
        if self.starts_on and self.starts_on > end:
            return False
        return not (self.ends_on and self.ends_on < start)

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("En verksamhet kan inte upphöra innan den startar.")}
            )


class FiscalYear(models.Model):
    """A calendar year of accounts (räkenskapsår)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="fiscal_years"
    )
    year = models.PositiveSmallIntegerField(_("år"))

    class Meta:
        verbose_name = _("räkenskapsår")
        verbose_name_plural = _("räkenskapsår")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="fiscal_year_unique"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class Period(models.Model):
    """A follow-up (uppföljning): everything from January to ``end_month`` of its year."""

    class Kind(models.TextChoices):
        MONTH = "month", _("månadsuppföljning")
        TERTIAL = "tertial", _("tertialrapport")
        INTERIM = "interim", _("delårsrapport")
        ANNUAL = "annual", _("årsrapport")

    class Status(models.TextChoices):
        OPEN = "open", _("öppen")
        SUBMITTED = "submitted", _("inlämnad")
        APPROVED = "approved", _("godkänd")
        LOCKED = "locked", _("låst")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="periods")
    key = models.CharField(_("nyckel"), max_length=7, help_text="YYYY-MM, t.ex. 2020-08")
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    end_month = models.PositiveSmallIntegerField(_("till och med månad"))
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    deadline = models.DateField(_("sista dag"), null=True, blank=True)

    class Meta:
        verbose_name = _("uppföljningsperiod")
        verbose_name_plural = _("uppföljningsperioder")
        ordering = ["fiscal_year", "end_month"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "key"], name="period_key_unique"),
            models.CheckConstraint(
                condition=models.Q(end_month__gte=1, end_month__lte=12), name="period_month_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def organisation(self) -> Organisation:
        return self.fiscal_year.organisation

    @property
    def year(self) -> int:
        return self.fiscal_year.year

    @property
    def is_locked(self) -> bool:
        return self.status in {self.Status.APPROVED, self.Status.LOCKED}

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end_date(self) -> datetime.date:
        if self.end_month == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, self.end_month + 1, 1) - datetime.timedelta(days=1)

    @property
    def organisation_id(self) -> int:
        return self.fiscal_year.organisation_id

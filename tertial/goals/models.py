"""Goals, their assessments, and indicators with targets and values.

Core volumes (basuppdrag) and personnel figures are indicators too, listed in their own
tables through ``in_core_volumes`` and ``in_personnel``; one machinery serves all three.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.audit.models import Versioned
from tertial.core import evaluation
from tertial.organisation.models import FiscalYear, Organisation, Period, Unit


class Perspective(models.Model):
    """A goal area (målområde): Medborgare, Ekonomi, Verksamhet, Medarbetare."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="perspectives"
    )
    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    long_name = models.CharField(_("fullständigt namn"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("målområde")
        verbose_name_plural = _("målområden")
        ordering = ["organisation_id", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="perspective_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilGoal(models.Model):
    """A goal set by the council (kommunövergripande mål) for one fiscal year."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.CASCADE, related_name="council_goals"
    )
    perspective = models.ForeignKey(
        Perspective, on_delete=models.PROTECT, related_name="council_goals"
    )
    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=300)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("kommunövergripande mål")
        verbose_name_plural = _("kommunövergripande mål")
        ordering = ["fiscal_year_id", "perspective__sort_order", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="council_goal_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_id(self) -> int:
        return self.fiscal_year.organisation_id


class BoardGoal(models.Model):
    """The board's own goal (nämndmål) under a council goal; assessed at every follow-up."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.CASCADE, related_name="board_goals"
    )
    council_goal = models.ForeignKey(
        CouncilGoal, on_delete=models.PROTECT, related_name="board_goals"
    )
    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    carried_over_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_over_to"
    )
    responsible_units = models.ManyToManyField(Unit, blank=True, related_name="board_goals")

    class Meta:
        verbose_name = _("nämndmål")
        verbose_name_plural = _("nämndmål")
        ordering = ["fiscal_year_id", "council_goal__perspective__sort_order", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="board_goal_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def perspective(self) -> Perspective:
        return self.council_goal.perspective

    @property
    def organisation_id(self) -> int:
        return self.fiscal_year.organisation_id


class Assessment(Versioned):
    """A person's judgement of a board goal at one follow-up, with its justification.

    One row per goal and follow-up, changed in place; every change is in the change log
    (tertial.audit.history), which is the assessment's history.
    """

    class Value(models.TextChoices):
        MET = "met", _("uppnås")
        PARTLY_MET = "partly_met", _("uppnås delvis")
        NOT_MET = "not_met", _("uppnås ej")
        NOT_ASSESSABLE = "not_assessable", _("kan ej bedömas")

    board_goal = models.ForeignKey(BoardGoal, on_delete=models.CASCADE, related_name="assessments")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="assessments")
    value = models.CharField(_("bedömning"), max_length=20, choices=Value.choices)
    justification = models.TextField(_("motivering"))
    proposed_value = models.CharField(
        _("systemets förslag"), max_length=20, choices=Value.choices, blank=True
    )

    class Meta:
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
        ordering = ["board_goal_id", "period_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["board_goal", "period"], name="one_assessment_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board_goal}: {self.get_value_display()}"

    @property
    def organisation_id(self) -> int:
        return self.period.organisation_id


# The words for an indicator's status against its target and for a goal's assessment,
# wherever either is shown: the assessment's own, and one for a value missing (I.U.).
STATUS_LABELS = {
    **{value.value: value.label for value in Assessment.Value},
    evaluation.NO_DATA: _("inget underlag"),
}


class AssessmentItem(models.Model):
    """A bullet under an assessment: a result, an activity or a deviation."""

    class Kind(models.TextChoices):
        RESULT = "result", _("resultat")
        ACTIVITY = "activity", _("aktivitet")
        DEVIATION = "deviation", _("avvikelse")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def organisation_id(self) -> int:
        return self.assessment.organisation_id


class Indicator(models.Model):
    """A measured value (nämndindikator, nyckeltal, volym, personaltal).

    A row split by unit is a parent indicator with one child per unit; a split by gender is
    carried by the values (T, K, M) of one indicator.
    """

    class Measure(models.TextChoices):
        PERCENT = "percent", _("procent")
        COUNT = "count", _("antal")
        INDEX = "index", _("index")
        KSEK = "ksek", _("tkr")
        SECONDS = "seconds", _("sekunder")
        SCORE = "score", _("betyg")
        RATIO = "ratio", _("kvot")

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("högre är bättre")
        LOWER_IS_BETTER = "lower", _("lägre är bättre")
        TARGET_BAND = "band", _("målintervall")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("kod"), max_length=60)
    name = models.CharField(_("namn"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators"
    )
    measure = models.CharField(_("måttenhet"), max_length=10, choices=Measure.choices)
    decimals = models.PositiveSmallIntegerField(
        _("decimaler"), null=True, blank=True, help_text=_("Tomt: som värdet angavs.")
    )
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    gender_split = models.BooleanField(_("uppdelad på kön"), default=False)
    is_part_of_parent = models.BooleanField(_("varav-rad"), default=False)
    formula = models.CharField(_("formel"), max_length=500, blank=True)
    partly_met_threshold = models.DecimalField(
        _("gräns för delvis uppnått (andel av målvärdet)"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
    )
    kolada_kpi = models.CharField(_("Kolada-KPI"), max_length=20, blank=True)
    # Two rows of different tables that report the same quantity (a core volume and an
    # indicator, say); the report checks compare their values.
    same_as = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samma mått som"),
    )
    # A count that grows over the year (cases, visits): a year-to-date value is judged against
    # the share of the full-year target for the months elapsed (8/12 in August).
    accumulates = models.BooleanField(
        _("ackumuleras under året"),
        default=False,
        help_text=_("Ett värde för januari–augusti jämförs med 8/12 av helårets målvärde."),
    )
    in_core_volumes = models.BooleanField(_("i basuppdrag"), default=False)
    in_personnel = models.BooleanField(_("i personaltabellen"), default=False)
    board_goals = models.ManyToManyField(BoardGoal, blank=True, related_name="indicators")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["organisation_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    """The target (målvärde) of an indicator for a year, as written and as parsed."""

    class Comparator(models.TextChoices):
        AT_LEAST = "at_least", _("minst")
        AT_MOST = "at_most", _("högst")
        BELOW = "below", _("under")
        ABOVE = "above", _("över")
        EQUAL = "equal", _("lika med")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("år"))
    text = models.CharField(_("målvärde som text"), max_length=100)
    comparator = models.CharField(_("jämförelse"), max_length=10, choices=Comparator.choices)
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=6)
    tolerance = models.DecimalField(
        _("tolerans"), max_digits=20, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.text}"

    @property
    def organisation_id(self) -> int:
        return self.indicator.organisation_id


def _written_decimals(value) -> int | None:
    if value is None:
        return None
    return max(0, -int(Decimal(value).as_tuple().exponent))


class IndicatorValueQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.remember_written_decimals()
        return super().bulk_create(objs, *args, **kwargs)


class IndicatorValue(Versioned):
    """One value of an indicator for a measurement period.

    The measurement period is ``year`` up to ``through_month``: 12 is the whole year,
    8 is January–August. ``value`` is None exactly when the value is missing (I.U.).
    """

    class Kind(models.TextChoices):
        ACTUAL = "actual", _("utfall")
        FORECAST = "forecast", _("prognos")
        PLAN = "plan", _("plan")

    class Gender(models.TextChoices):
        TOTAL = "T", _("totalt")
        WOMEN = "K", _("kvinnor")
        MEN = "M", _("män")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("år"))
    through_month = models.PositiveSmallIntegerField(_("till och med månad"), default=12)
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices, default=Kind.ACTUAL)
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.CharField(_("anmärkning"), max_length=200, blank=True)
    source = models.CharField(_("källa"), max_length=200, blank=True)
    # The number of decimals the value was written with ("2,0" → 1): the database keeps six,
    # and an indicator without fixed decimals prints each value as it was written.
    written_decimals = models.PositiveSmallIntegerField(
        _("decimaler som angivet"), null=True, blank=True, editable=False
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "through_month", "kind", "gender"],
                name="indicator_value_unique",
            ),
        ]

    def __str__(self) -> str:
        period = self.year if self.through_month == 12 else f"{self.year}-{self.through_month:02d}"
        return f"{self.indicator.code} {period} {self.kind} {self.gender}"

    def save(self, *args, **kwargs):
        self.remember_written_decimals()
        super().save(*args, **kwargs)

    @property
    def is_missing(self) -> bool:
        return self.value is None

    def remember_written_decimals(self) -> None:
        # A value just parsed from text still carries its exponent; one read back from the
        # database has six decimals, so a value that did not change keeps what was recorded.
        if self.value is None:
            self.written_decimals = None
        elif isinstance(self.value, Decimal) and (
            self.written_decimals is None or _written_decimals(self.value) < 6
        ):
            self.written_decimals = _written_decimals(self.value)

    @property
    def organisation_id(self) -> int:
        return self.indicator.organisation_id


class KoladaKpi(models.Model):
    """A key figure of Kolada (the open database of Swedish municipalities' key figures)."""

    id = models.CharField(_("KPI-id"), max_length=20, primary_key=True)
    title = models.CharField(_("titel"), max_length=500)
    description = models.TextField(_("beskrivning"), blank=True)
    has_ou_data = models.BooleanField(_("har data per organisatorisk enhet"), default=False)
    is_divided_by_gender = models.BooleanField(_("uppdelad på kön"), default=False)

    class Meta:
        verbose_name = _("Kolada-nyckeltal")
        verbose_name_plural = _("Kolada-nyckeltal")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class KoladaValue(models.Model):
    """A Kolada value of any municipality or organisational unit, kept for comparison.

    ``municipality`` is the municipality id ("0580" Linköping); ``ou`` is set for values of an
    organisational unit (the "ou" variant of the data responses) and empty otherwise.
    ``value`` is None where Kolada has no value (null), never 0.
    """

    kpi = models.CharField(_("KPI-id"), max_length=20, db_index=True)
    municipality = models.CharField(_("kommun"), max_length=10, blank=True)
    ou = models.CharField(_("organisatorisk enhet"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("kön"), max_length=1, choices=IndicatorValue.Gender.choices)
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kolada-värde")
        verbose_name_plural = _("Kolada-värden")
        ordering = ["kpi", "year", "municipality", "ou", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "municipality", "ou", "year", "gender"], name="kolada_value_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.ou or self.municipality} {self.year} {self.gender}"

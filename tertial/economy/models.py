"""Chart of accounts, ledger, budget, forecasts and investments.

Sign convention of stored amounts: the ledger's own, debit positive and credit negative,
so costs are positive and revenues negative, exactly as financial systems export them.
tertial.core.economy turns them into the report's convention (net result = revenues − costs).
Every amount is an exact Decimal in kronor with öre; nothing is rounded before it is shown.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.audit.models import Versioned
from tertial.organisation.models import Organisation, Period, Unit

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class RowIdField(models.BigAutoField):
    """The id of a table an import fills by the hundred thousand rows: on SQLite without
    AUTOINCREMENT.

    With AUTOINCREMENT, SQLite looks up and rewrites the table's highest id ever used in a
    table of its own on every insert: a third of the time it took to store 700 000 rows.
    Without it SQLite still numbers the rows itself, and only an id freed by deleting the
    newest rows can come again, which nothing refers to (budget rows are replaced by months,
    never named by id). PostgreSQL's identity is unchanged
    (docs/decisions/0004-ledger-balances-keyed-by-what-they-sum.md).
    """

    def db_type_suffix(self, connection):
        if connection.vendor == "sqlite":
            return None
        return super().db_type_suffix(connection)


class AccountClass(models.Model):
    """A kind of revenue or cost (personalkostnader, lokalkostnader, …) that accounts map to."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", _("intäkt")
        COST = "cost", _("kostnad")
        FINANCIAL = "financial", _("finansiell post")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="account_classes"
    )
    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    sort_order = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("kontoklass")
        verbose_name_plural = _("kontoklasser")
        ordering = ["organisation", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="account_class_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountRange(models.Model):
    """Accounts ``first``..``last`` (inclusive, by number) belong to ``account_class``."""

    account_class = models.ForeignKey(AccountClass, on_delete=models.CASCADE, related_name="ranges")
    first = models.PositiveIntegerField(_("från konto"))
    last = models.PositiveIntegerField(_("till konto"))

    class Meta:
        verbose_name = _("kontointervall")
        verbose_name_plural = _("kontointervall")
        ordering = ["first"]

    def __str__(self) -> str:
        return f"{self.first}–{self.last}"

    @property
    def organisation_id(self) -> int:
        return self.account_class.organisation_id


class Account(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="accounts"
    )
    number = models.CharField(_("konto"), max_length=20)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    account_class = models.ForeignKey(
        AccountClass, on_delete=models.PROTECT, related_name="accounts"
    )

    class Meta:
        verbose_name = _("konto")
        verbose_name_plural = _("konton")
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class ImportBatch(models.Model):
    """One import of ledger or budget rows: where they came from and what they held."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("huvudbok")
        BUDGET = "budget", _("budget")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_batches"
    )
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    source_name = models.CharField(_("källfil"), max_length=500)
    checksum = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    row_count = models.PositiveBigIntegerField(_("antal rader"), default=0)
    total = models.DecimalField(_("summa"), default=0, **AMOUNT)
    months = models.JSONField(_("månader"), default=list, help_text="['2020-01', …]")
    raw_path = models.CharField(_("sparade rader"), max_length=500, blank=True)
    mapping = models.CharField(_("mappning"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    imported_at = models.DateTimeField(_("importerad"), auto_now_add=True)
    undone_at = models.DateTimeField(_("ångrad"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class UnitCodeAlias(models.Model):
    """Another code by which a ledger or budget file names a unit (an old or a sub-code).

    Aliases are data that a controller adds, typically from the import error screen, so
    that rows booked on a code that is not the unit's own still count for the unit.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="unit_code_aliases"
    )
    source_code = models.CharField(_("kod i filen"), max_length=40)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="code_aliases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alternativ ansvarskod")
        verbose_name_plural = _("alternativa ansvarskoder")
        ordering = ["organisation", "source_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_code"], name="unit_code_alias_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_code} → {self.unit.code}"


class ImportJob(models.Model):
    """A ledger or budget import running as a task; the web page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        RUNNING = "running", _("pågår")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("slag"), max_length=10, choices=ImportBatch.Kind.choices)
    file_path = models.CharField(_("fil"), max_length=1000)
    source_name = models.CharField(_("källfil"), max_length=500, blank=True)
    mapping = models.CharField(_("mappning"), max_length=500)
    replace = models.BooleanField(
        _("ersätt"),
        default=True,
        help_text=_(
            "Ersätt det som redan finns för månaderna filen täcker; annars avbryts importen."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    message = models.CharField(_("meddelande"), max_length=500, blank=True)
    errors = models.JSONField(
        _("fel"), default=list, blank=True, help_text="[{file, line, field, message}, …]"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # "host:pid" of the process running the job: a job whose process is gone was killed.
    runner = models.CharField(_("körs av"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("importjobb")
        verbose_name_plural = _("importjobb")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_name or self.file_path} ({self.status})"


class LedgerBalance(models.Model):
    """The sum of one month's ledger rows for one unit, account, activity and project.

    Those six are the primary key: the database itself refuses a second balance for the
    same unit, account, month and dimensions, so an import can replace balances but never
    double them. The key is also the one index, which an import of hundreds of thousands of
    balances maintains on every row: it begins with (unit, year, month), by which the tables
    read balances, an organisation's through its units (``tertial.economy.sums.units_of``).
    Account, batch and organisation have no index because only rare operations look
    balances up by them alone (deleting an account or an organisation; undoing an import
    narrows by units and months). The foreign keys have no constraint in the database: the
    import checks every code before it stores a row, and deletes go through the ORM, which
    protects and cascades as declared
    (docs/decisions/0003-ledger-balances-without-db-foreign-keys.md,
    docs/decisions/0004-ledger-balances-keyed-by-what-they-sum.md).
    """

    pk = models.CompositePrimaryKey("unit", "year", "month", "account", "activity", "project")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="ledger_balances",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="ledger_balances",
        db_index=False,
        db_constraint=False,
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="ledger_balances",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("år"))
    month = models.PositiveSmallIntegerField(_("månad"))
    activity = models.CharField(_("verksamhetskod"), max_length=40, blank=True, default="")
    project = models.CharField(_("projekt"), max_length=40, blank=True, default="")
    amount = models.DecimalField(_("belopp"), **AMOUNT)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="balances",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("huvudbokssaldo")
        verbose_name_plural = _("huvudbokssaldon")

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit_id}/{self.account_id} {self.amount}"


class BudgetEntry(models.Model):
    """The budget of one month for one unit and account class, in the ledger's sign."""

    id = RowIdField(primary_key=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="budget_entries")
    account_class = models.ForeignKey(
        AccountClass, on_delete=models.PROTECT, related_name="budget_entries"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    month = models.PositiveSmallIntegerField(_("månad"))
    amount = models.DecimalField(_("belopp"), **AMOUNT)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="budget_entries"
    )

    class Meta:
        verbose_name = _("budgetpost")
        verbose_name_plural = _("budgetposter")
        indexes = [models.Index(fields=["unit", "year", "month"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "account_class", "year", "month"], name="budget_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit_id}/{self.account_class_id} {self.amount}"

    @property
    def organisation_id(self) -> int:
        return self.unit.organisation_id


class Forecast(Versioned):
    """A unit's full-year forecast at one follow-up, in the report's sign.

    One row per unit and follow-up, changed in place; every change is in the change log
    (tertial.audit.history), which is the forecast's history.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="forecasts")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="forecasts")
    net_result = models.DecimalField(_("prognos nettoresultat"), **AMOUNT)
    revenues = models.DecimalField(_("prognos intäkter"), null=True, blank=True, **AMOUNT)
    costs = models.DecimalField(_("prognos kostnader"), null=True, blank=True, **AMOUNT)
    pandemic_net_cost = models.DecimalField(
        _("varav nettokostnader för coronapandemin"), null=True, blank=True, **AMOUNT
    )
    comment = models.TextField(_("analys och kommentar"), blank=True)

    class Meta:
        verbose_name = _("prognos")
        verbose_name_plural = _("prognoser")
        ordering = ["period", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_forecast_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}: {self.net_result}"

    @property
    def organisation_id(self) -> int:
        return self.unit.organisation_id


class InvestmentProject(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="investment_projects"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="investment_projects")
    code = models.CharField(_("projektkod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("investeringsprojekt")
        verbose_name_plural = _("investeringsprojekt")
        ordering = ["organisation", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="investment_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class InvestmentFrame(models.Model):
    """An approved investment frame for a year, or a later approved change to it."""

    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="frames")
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.DecimalField(_("belopp"), **AMOUNT)
    approved_on = models.DateField(_("beslutad"), null=True, blank=True)
    note = models.CharField(_("anteckning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("investeringsram")
        verbose_name_plural = _("investeringsramar")
        ordering = ["project", "year", "approved_on"]

    def __str__(self) -> str:
        return f"{self.project} {self.year}: {self.amount}"

    @property
    def organisation_id(self) -> int:
        return self.project.organisation_id


class InvestmentOutcome(Versioned):
    """Expenditure and income to date, and the full-year forecast, at one follow-up."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.CASCADE, related_name="outcomes"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="investment_outcomes")
    expenditure_to_date = models.DecimalField(_("utgifter hittills"), **AMOUNT)
    income_to_date = models.DecimalField(_("inkomster hittills"), **AMOUNT)
    forecast_expenditure = models.DecimalField(_("prognos utgifter"), **AMOUNT)
    forecast_income = models.DecimalField(_("prognos inkomster"), **AMOUNT)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("investeringsutfall")
        verbose_name_plural = _("investeringsutfall")
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="investment_outcome_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period}"

    @property
    def organisation_id(self) -> int:
        return self.project.organisation_id

"""Storing a folder: all or nothing, re-loads replace, encodings load identically."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from tertial.core.errors import InputErrors
from tertial.economy.models import ImportBatch, LedgerBalance
from tertial.goals.models import Assessment, Indicator, IndicatorValue
from tertial.goals.services import structure
from tertial.ingest.folder import load_folder, load_organisation
from tertial.organisation.models import Organisation, Period, Unit
from tertial.workflow.models import UnitSubmission

from .helpers import SMALL, contents, copy_small, replace, row_counts


@pytest.fixture
def small(db):
    return load_organisation(SMALL)


def test_small_folder_is_stored(small):
    org = small
    assert org.slug == "provorg"
    assert org.settings == {"forecast_comment_threshold_kr": 500000}
    assert Unit.objects.get(organisation=org, code="200").parent.code == "100"
    balances = LedgerBalance.objects.filter(organisation=org)
    assert balances.count() == 12
    assert balances.filter(year=2021).aggregate(s=Sum("amount"))["s"] == Decimal("1234.57")
    batches = ImportBatch.objects.filter(organisation=org, kind="ledger").order_by("source_name")
    assert [(b.source_name, b.row_count, b.total, b.months) for b in batches] == [
        ("ledger/2020.csv", 5, Decimal("12345.92"), ["2020-01", "2020-12"]),
        ("ledger/2021.csv", 7, Decimal("1234.57"), ["2021-01", "2021-02", "2021-03", "2021-08"]),
    ]
    assert all(len(b.checksum) == 64 for b in batches)
    resultat = Indicator.objects.get(organisation=org, code="resultat")
    assert resultat.values.get().value is None  # I.U. is no data, never 0
    assert list(resultat.targets.values_list("year", "comparator", "value")) == [
        (2021, "equal", Decimal(0))
    ]  # the "-" target of 2020 stores no row
    svarstid = Indicator.objects.get(organisation=org, code="svarstid")
    assert (svarstid.parent.code, svarstid.is_part_of_parent) == ("svarsservice", True)
    arenden = Indicator.objects.get(organisation=org, code="arenden")
    assert arenden.same_as.code == "svarsservice"
    goal = Assessment.objects.get(board_goal__code="god-service", period__key="2021-08")
    # the goals engine proposes from the loaded values: svarsservice 91,5 % against 90 %
    assert goal.proposed_value == "met"
    assert list(goal.items.order_by("sort_order").values_list("kind", flat=True)) == [
        "result",
        "activity",
    ]
    assert goal.board_goal.carried_over_from.fiscal_year.year == 2020
    forecast = org.units.get(code="100").forecasts.get()
    assert forecast.comment.startswith("Stab och ledning prognostiserar")
    period = Period.objects.get(fiscal_year__organisation=org, key="2021-08")
    assert list(period.narrative_sections.values_list("key", flat=True)) == [
        "mission",
        "overall_assessment",
    ]
    assert list(period.decisions_events.values_list("kind", "date")) == [
        ("decision", None),
        ("event", datetime.date(2021, 3, 15)),
        ("event", None),
    ]
    entry = org.audit_entries.get(action="organisation.loaded")
    assert entry.after["ledger_rows"] == 12


def test_reload_replaces_and_keeps_primary_keys(small):
    before_counts, before = row_counts(), contents()
    unit_pks = dict(Unit.objects.filter(organisation=small).values_list("code", "pk"))
    indicator_pks = dict(Indicator.objects.filter(organisation=small).values_list("code", "pk"))
    again = load_organisation(SMALL)
    assert again.pk == small.pk
    after_counts = row_counts()
    # the load; the earlier load's imports deleted; the three files imported again
    assert after_counts.pop("audit.AuditEntry") == before_counts.pop("audit.AuditEntry") + 5
    assert after_counts == before_counts
    assert contents() == before
    assert dict(Unit.objects.filter(organisation=small).values_list("code", "pk")) == unit_pks
    assert (
        dict(Indicator.objects.filter(organisation=small).values_list("code", "pk"))
        == indicator_pks
    )


def test_reload_applies_changes(small, tmp_path):
    folder = copy_small(tmp_path)
    replace(folder, "organisation.yaml", "name: Kundtjänst", "name: Kontaktcenter")
    replace(folder, "ledger/2021.csv", "110 000,00", "111 000,00")
    replace(folder, "indicator_values.csv", "T;91,5;", "T;93;")
    load_organisation(folder)
    assert Unit.objects.get(organisation=small, code="200").name == "Kontaktcenter"
    assert LedgerBalance.objects.filter(organisation=small).aggregate(s=Sum("amount"))["s"] == (
        Decimal("12345.92") + Decimal("1234.57") + 1000
    )
    assert (
        IndicatorValue.objects.get(
            indicator__code="svarsservice", year=2021, indicator__organisation=small
        ).value
        == 93
    )


def test_vanished_unit_is_deleted_when_nothing_refers_to_it(small, tmp_path):
    folder = copy_small(tmp_path)
    replace(
        folder,
        "organisation.yaml",
        '  - code: "400"\n    name: Måltidsservice\n    ends_on: 2021-06-30\n',
        "",
    )
    replace(folder, "ledger/2020.csv", "2020;12;400;6010;;;12 345,67\n", "")
    load_organisation(folder)
    assert not Unit.objects.filter(organisation=small, code="400").exists()


def test_vanished_unit_still_referred_to_is_an_error(small, tmp_path):
    unit = Unit.objects.get(organisation=small, code="300")
    period = Period.objects.get(fiscal_year__organisation=small, key="2021-08")
    # the unit's submission in the web app refers to it; the folder does not define it
    UnitSubmission.objects.create(unit=unit, period=period)
    folder = copy_small(tmp_path)
    replace(
        folder,
        "organisation.yaml",
        '  - code: "300"\n    name: Lönecenter\n    starts_on: 2021-01-01\n',
        "",
    )
    replace(
        folder, "ledger/2021.csv", "2021;3;300;5020;;;50 000\n2021;3;300;3510;;;-49 999,99\n", ""
    )
    replace(folder, "followups/2021-08/forecasts.csv", "300;0;;;;\n", "")
    before_counts, before = row_counts(), contents()
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    [error] = info.value.errors
    assert (error.file, error.field) == ("organisation.yaml", "units")
    assert "enheten 300" in error.message and "inlämningar" in error.message
    assert row_counts() == before_counts
    assert contents() == before


def test_ledger_rows_of_an_import_survive_a_reload(small):
    imported = ImportBatch.objects.create(
        organisation=small, kind="ledger", source_name="huvudbok-2021-09.csv", checksum="0" * 64
    )
    LedgerBalance.objects.create(
        organisation=small,
        unit=small.units.get(code="100"),
        account=small.accounts.get(number="5010"),
        year=2021,
        month=9,
        amount=1,
        batch=imported,
    )
    load_organisation(SMALL)
    assert LedgerBalance.objects.filter(batch=imported).count() == 1
    assert LedgerBalance.objects.filter(organisation=small).count() == 13


BROKEN = {
    "okänd enhet": ("ledger/2021.csv", "2021;1;100;5010", "2021;1;999;5010", "unit"),
    "unknown account": ("ledger/2021.csv", "2021;1;100;5010", "2021;1;100;9999", "account"),
    "malformed number": ("ledger/2021.csv", "110 000,00", "12,3,4", "amount"),
    "duplicate indicator": (
        "goals.yaml",
        "  - code: arenden",
        "  - code: svarstid",
        "indicators[4].code",
    ),
    "period outside the fiscal year": (
        "organisation.yaml",
        "      - key: 2021-04",
        "      - key: 2022-04",
        "fiscal_years[1].periods[0].key",
    ),
    "ledger month outside the fiscal years": (
        "ledger/2021.csv",
        "2021;1;100;5010",
        "2022;1;100;5010",
        "year",
    ),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_broken_folder_leaves_the_database_as_it_was(small, tmp_path, case):
    file, old, new, field = case
    folder = copy_small(tmp_path)
    replace(folder, "organisation.yaml", "name: Kundtjänst", "name: Kontaktcenter")
    line = replace(folder, file, old, new)
    before_counts, before = row_counts(), contents()
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    assert (file, line, field) in [(e.file, e.line, e.field) for e in info.value.errors]
    assert row_counts() == before_counts
    assert contents() == before


def test_wrong_encoding_leaves_the_database_as_it_was(small, tmp_path):
    folder = copy_small(tmp_path)
    path = folder / "indicator_values.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    before_counts, before = row_counts(), contents()
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    assert [(e.file, e.line) for e in info.value.errors] == [("indicator_values.csv", None)]
    assert row_counts() == before_counts
    assert contents() == before


def test_new_organisation_with_errors_stores_nothing(db, tmp_path):
    folder = copy_small(tmp_path)
    replace(folder, "ledger/2021.csv", "110 000,00", "12,3,4")
    before = row_counts()
    with pytest.raises(InputErrors):
        load_organisation(folder)
    assert row_counts() == before
    assert not Organisation.objects.filter(slug="provorg").exists()


def test_failure_in_the_middle_of_storing_rolls_back(small, tmp_path, monkeypatch):
    folder = copy_small(tmp_path)
    replace(folder, "organisation.yaml", "name: Kundtjänst", "name: Kontaktcenter")
    replace(folder, "ledger/2021.csv", "110 000,00", "111 000,00")
    before_counts, before = row_counts(), contents()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # After the ledger and the forecasts are stored, before the indicator values are.
    monkeypatch.setattr(structure, "store_values", broken)
    with pytest.raises(RuntimeError):
        load_organisation(folder)
    assert row_counts() == before_counts
    assert contents() == before


def _rewrite(folder, encoding: str) -> None:
    for path in folder.rglob("*"):
        if path.suffix in (".csv", ".yaml"):
            # "≤" is the fixture's one character that Windows-1252 lacks
            text = path.read_text(encoding="utf-8").replace("≤", "<=")
            path.write_bytes(text.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_encodings_load_identically(db, tmp_path, encoding):
    plain = copy_small(tmp_path / "plain")
    _rewrite(plain, "utf-8")
    expected_counts, expected = load_folder(plain).counts, contents()
    folder = copy_small(tmp_path / encoding)
    _rewrite(folder, encoding)
    swedish = "Kundtjänst".encode(encoding.removesuffix("-sig"))
    assert swedish in (folder / "organisation.yaml").read_bytes()
    assert load_folder(folder).counts == expected_counts
    assert contents() == expected
    assert Unit.objects.get(organisation__slug="provorg", code="200").name == "Kundtjänst"


def test_many_ledger_rows(db, tmp_path):
    folder = copy_small(tmp_path)
    lines = [
        f"2021;{1 + i % 12};{(100, 200, 300)[i % 3]};{5010 + i % 3};A{i};;{i},{i % 100:02}"
        for i in range(2345)
    ]
    (folder / "ledger" / "2021.csv").write_text(
        "year;month;unit;account;activity;project;amount\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    org = load_organisation(folder)
    balances = LedgerBalance.objects.filter(organisation=org, year=2021)
    assert balances.count() == 2345
    expected = sum(Decimal(f"{i}.{i % 100:02}") for i in range(2345))
    assert balances.aggregate(s=Sum("amount"))["s"] == expected
    row = balances.get(unit__code="300", month=12, amount=Decimal("1199.99"))
    assert (row.account.number, row.activity, row.project) == ("5012", "A1199", "")


def test_a_second_balance_for_the_same_month_unit_and_account_is_refused(db, tmp_path):
    folder = copy_small(tmp_path)
    (folder / "ledger" / "2021.csv").write_text(
        "year;month;unit;account;activity;project;amount\n"
        "2021;1;100;5010;;;10,00\n"
        "2021;1;100;5010;7;;1,00\n"
        "2021;1;100;5010;;;2,00\n",
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as caught:
        load_organisation(folder)
    [error] = caught.value.errors
    assert (error.file, error.line, error.field) == ("ledger/2021.csv", 4, "year, month")
    assert error.message == (
        "en andra rad för ansvar 100, konto 5010, 2021-01 (den första på rad 2)"
    )


def test_a_text_given_to_a_unit_to_write_is_stored_with_it(db, tmp_path):
    from tertial.narrative.models import NarrativeSection

    folder = copy_small(tmp_path)
    replace(
        folder,
        "followups/2021-08/report.yaml",
        "    title: Sammanfattande bedömning",
        '    title: Sammanfattande bedömning\n    unit: "200"',
    )
    org = load_organisation(folder)
    section = NarrativeSection.objects.get(
        period__fiscal_year__organisation=org, key="overall_assessment"
    )
    assert section.unit.code == "200"
    assert NarrativeSection.objects.get(period=section.period, key="mission").unit is None

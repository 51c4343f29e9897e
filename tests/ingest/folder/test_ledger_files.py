"""The folder's ledger and budget files, read by the ledger importer by the folder's rules."""

from decimal import Decimal

from django.db.models import Sum

from tertial.economy.models import BudgetEntry, ImportBatch, LedgerBalance
from tertial.ingest.folder import load_organisation
from tertial.ingest.ledger.importer import import_ledger
from tertial.ingest.ledger.tracing import rows_behind

from .helpers import SMALL, copy_small, errors_of


def balances(organisation, **filters) -> dict[tuple, Decimal]:
    rows = LedgerBalance.objects.filter(organisation=organisation, **filters).values_list(
        "unit__code", "account__number", "year", "month", "amount"
    )
    return {(unit, account, year, month): amount for unit, account, year, month, amount in rows}


def test_a_key_in_two_files_is_refused_naming_both_lines(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "ledger" / "extra.csv").write_text(
        "year;month;unit;account;activity;project;amount\n"
        "2021;3;300;3511;;;1,00\n"
        "2021;1;100;5010;;;2,00\n",
        encoding="utf-8",
    )
    [error] = errors_of(folder)
    assert (error.file, error.line, error.field) == ("ledger/extra.csv", 3, "year, month")
    assert error.message == (
        "en andra rad för ansvar 100, konto 5010, 2021-01 (den första i ledger/2021.csv på rad 2)"
    )


def test_a_budget_row_given_twice_is_refused(tmp_path):
    folder = copy_small(tmp_path)
    path = folder / "budget" / "2021.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2021;1;100;personnel;1\n", encoding="utf-8")
    [error] = errors_of(folder)
    assert (error.file, error.line) == ("budget/2021.csv", 6)
    assert "ansvar 100, kontoklass personnel, 2021-01 (den första på rad 2)" in error.message


def test_comments_blank_lines_and_the_optional_columns(db, tmp_path):
    folder = copy_small(tmp_path)
    (folder / "ledger" / "2021.csv").write_text(
        "# Huvudbok 2021, utan verksamhet och projekt\n"
        "\n"
        "year;month;unit;account;amount\n"
        "2021;1;100;5010;110 000,00\n"
        "  # en kommentar mitt i\n"
        "\n"
        "2021;1;100;3510;-100 000,00\n",
        encoding="utf-8",
    )
    organisation = load_organisation(folder)
    assert balances(organisation, year=2021) == {
        ("100", "5010", 2021, 1): Decimal("110000.00"),
        ("100", "3510", 2021, 1): Decimal("-100000.00"),
    }
    rows = rows_behind(organisation, "100", 2021, 1)
    assert [(r["file"], r["line"], r["activity"]) for r in rows] == [
        ("ledger/2021.csv", 4, ""),
        ("ledger/2021.csv", 7, ""),
    ]


def test_the_rows_behind_the_examples_figures(vss):
    stored = LedgerBalance.objects.filter(
        organisation=vss, unit__code="1300", year=2020, month__lte=8
    ).aggregate(s=Sum("amount"))["s"]
    rows = rows_behind(vss, "1300", 2020, range(1, 9))
    assert rows and {r["file"] for r in rows} == {"ledger/2020.csv"}
    assert sum(r["amount"] for r in rows) == stored
    assert all(r["line"] > 1 for r in rows)


def test_a_month_the_folder_covers_is_replaced_and_one_it_does_not_is_kept(db, tmp_path):
    organisation = load_organisation(SMALL)
    export = tmp_path / "huvudbok.csv"
    export.write_text(
        "year;month;unit;account;amount\n2021;1;200;5010;7,00\n2021;9;200;5010;9,00\n",
        encoding="utf-8",
    )
    imported = import_ledger(organisation, export, mapping="tertial")
    load_organisation(SMALL)
    assert balances(organisation, batch=imported) == {("200", "5010", 2021, 9): Decimal("9.00")}
    assert LedgerBalance.objects.filter(organisation=organisation, year=2021).count() == 8


def test_a_reload_replaces_the_folders_imports(db):
    organisation = load_organisation(SMALL)
    first = set(ImportBatch.objects.filter(organisation=organisation).values_list("pk", flat=True))
    load_organisation(SMALL)
    batches = ImportBatch.objects.filter(organisation=organisation)
    assert sorted(batches.values_list("source_name", flat=True)) == [
        "budget/2021.csv",
        "ledger/2020.csv",
        "ledger/2021.csv",
    ]
    assert not first & set(batches.values_list("pk", flat=True))
    assert LedgerBalance.objects.filter(organisation=organisation).count() == 12
    assert BudgetEntry.objects.filter(unit__organisation=organisation).count() == 4
    for batch in batches:
        assert batch.raw_path.endswith(f"{batch.pk}.parquet")


def test_a_file_with_a_header_and_no_rows_is_an_error(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "budget" / "2021.csv").write_text(
        "year;month;unit;account_class;amount\n", encoding="utf-8"
    )
    [error] = errors_of(folder)
    assert (error.file, error.line) == ("budget/2021.csv", None)
    assert "inga rader" in error.message

"""Bad input: a clear error naming file, line and column, and nothing stored."""

import pytest

from tertial.core.errors import InputErrors
from tertial.economy.models import Account, ImportBatch, LedgerBalance
from tertial.economy.services.imports import add_unit_alias
from tertial.ingest.ledger.importer import import_ledger
from tertial.organisation.models import Unit
from tests.ingest.ledger.helpers import AGRESSO_HEADER, agresso, write

GOOD = "202001;5010;1100;;;100,00;ok"


def errors_of(org, path, mapping=None):
    with pytest.raises(InputErrors) as caught:
        import_ledger(org, path, mapping=mapping or agresso())
    assert not LedgerBalance.objects.filter(organisation=org).exists()
    assert not ImportBatch.objects.filter(organisation=org).exists()
    return caught.value.errors


def test_all_unknown_codes_listed_with_lines_and_counts(org, tmp_path):
    lines = [AGRESSO_HEADER, GOOD]
    lines += ["202001;5010;9999;;;1,00;x"] * 3
    lines += ["202001;5010;8888;;;1,00;x", "202001;9999;1100;;;1,00;x", "202001;ABC;1100;;;1,00;x"]
    errors = errors_of(org, write(tmp_path / "hb.csv", lines))
    by_message = {e.message.split(" (")[0]: e for e in errors}
    unit = by_message["ansvarskoden '9999' finns inte i förvaltningen"]
    assert (unit.file, unit.line, unit.field) == ("hb.csv", 3, "Ansvar")
    assert "3 rader, på rad 3, 4, 5" in unit.message
    assert by_message["ansvarskoden '8888' finns inte i förvaltningen"].line == 6
    account = by_message["kontot '9999' finns inte och ligger inte i något kontointervall"]
    assert (account.line, account.field) == (7, "Konto")
    assert by_message["kontot 'ABC' finns inte och ligger inte i något kontointervall"].line == 8
    assert not Account.objects.filter(organisation=org).exists()


def test_unknown_code_accepted_after_alias_is_added(org, tmp_path):
    path = write(tmp_path / "hb.csv", [AGRESSO_HEADER, "202001;5010;1101;;;5,00;x"])
    errors_of(org, path)
    unit = Unit.objects.get(organisation=org, code="1100")
    add_unit_alias(org, "1101", unit)
    import_ledger(org, path, mapping=agresso())
    assert LedgerBalance.objects.get(organisation=org).unit == unit
    with pytest.raises(ValueError):
        add_unit_alias(org, "2100", unit)


def test_amount_not_a_number(org, tmp_path):
    path = write(tmp_path / "hb.csv", [AGRESSO_HEADER, GOOD, "202001;5010;1100;;;12,3,4;x", GOOD])
    [error] = errors_of(org, path)
    assert (error.file, error.line, error.field) == ("hb.csv", 3, "Belopp")
    assert "'12,3,4'" in error.message


def test_more_than_two_decimals_is_refused_not_rounded(org, tmp_path):
    [error] = errors_of(
        org, write(tmp_path / "hb.csv", [AGRESSO_HEADER, "202001;5010;1100;;;0,005;x"])
    )
    assert error.line == 2


def test_empty_amount(org, tmp_path):
    [error] = errors_of(org, write(tmp_path / "hb.csv", [AGRESSO_HEADER, "202001;5010;1100;;;;x"]))
    assert (error.line, error.message) == (2, "beloppet saknas")


def test_bad_period_and_year_outside_fiscal_years(org, tmp_path):
    lines = [AGRESSO_HEADER, GOOD, "202013;5010;1100;;;1,00;x", "201912;5010;1100;;;1,00;x"]
    errors = errors_of(org, write(tmp_path / "hb.csv", lines))
    assert [(e.line, e.field) for e in errors] == [(3, "Period"), (4, "Period")]
    assert "'202013'" in errors[0].message
    assert "år 2019 är inte ett av förvaltningens räkenskapsår (2020, 2021)" in errors[1].message


def test_missing_columns_named_with_header_found(org, tmp_path):
    path = write(tmp_path / "hb.csv", ["Period;Konto;Ansvar;Summa;Text", "202001;5010;1100;1;x"])
    [error] = errors_of(org, path)
    assert (error.line, error.field) == (1, "Verksamhet, Projekt, Belopp")
    assert "Rubrikraden som hittades: Period; Konto; Ansvar; Summa; Text" in error.message


def test_empty_file_and_header_only(org, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    [error] = errors_of(org, empty)
    assert (error.file, error.message) == ("empty.csv", "filen är tom")
    [error] = errors_of(org, write(tmp_path / "header.csv", [AGRESSO_HEADER]))
    assert "inga rader" in error.message


def test_truncated_file(org, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(f"{AGRESSO_HEADER}\n{GOOD}\n{GOOD}\n202001;5010;11".encode("cp1252"))
    [error] = errors_of(org, path)
    assert error.line == 4
    assert "trunkerad" in error.message


def test_wrong_column_count_in_the_middle(org, tmp_path):
    path = write(
        tmp_path / "hb.csv", [AGRESSO_HEADER, GOOD, "202001;5010;1100;;;1,00;x;extra", GOOD]
    )
    [error] = errors_of(org, path)
    assert error.line == 3
    assert "för många kolumner" in error.message


def test_bad_line_found_in_a_large_file(org, tmp_path):
    # Stands in for "1 GB with one bad line in the middle": found by line, without loading
    # the file into memory, and nothing stored.
    n = 300_000
    path = tmp_path / "big.csv"
    with path.open("w", encoding="cp1252", newline="\n") as f:
        f.write(AGRESSO_HEADER + "\n")
        for i in range(n):
            amount = "12,x5" if i == n // 2 else f"{i % 1000},{i % 100:02d}"
            f.write(f"2020{i % 12 + 1:02d};5010;{('1100', '2100', '3100')[i % 3]};;;{amount};Lön\n")
    [error] = errors_of(org, path)
    assert (error.line, error.field) == (n // 2 + 2, "Belopp")


def test_line_numbers_right_with_blank_lines_and_quoted_line_breaks(org, tmp_path):
    lines = [
        AGRESSO_HEADER,
        GOOD,
        "",
        '202001;5010;1100;;;1,00;"två\nrader"',
        GOOD,
        "202001;5010;1100;;;x;y",
    ]
    [error] = errors_of(org, write(tmp_path / "hb.csv", lines))
    assert error.line == 7


def test_bad_encoding_for_windows_1252(org, tmp_path):
    path = tmp_path / "hb.csv"
    path.write_bytes(f"{AGRESSO_HEADER}\n{GOOD}\n202001;5010;1100;;;1,00;\x81\n".encode("latin-1"))
    [error] = errors_of(org, path)
    assert error.line == 3
    assert "Windows-1252" in error.message


def test_a_malformed_space_grouping_is_refused_by_line(org, tmp_path):
    lines = [AGRESSO_HEADER, GOOD, "202001;5010;1100;;;1 23,00;x", "202001;5010;1100;;;1 234,00;x"]
    [error] = errors_of(org, write(tmp_path / "hb.csv", lines))
    assert (error.file, error.line, error.field) == ("hb.csv", 3, "Belopp")
    assert "'1 23,00'" in error.message


def test_a_mapped_column_named_twice_is_refused(org, tmp_path):
    header = "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text;Belopp"
    [error] = errors_of(org, write(tmp_path / "hb.csv", [header, GOOD + ";5,00"]))
    assert (error.line, error.field) == (1, "Belopp")
    assert "två gånger" in error.message


def test_an_amount_beyond_what_both_databases_keep_exactly_is_refused(org, tmp_path):
    lines = [AGRESSO_HEADER, "202001;5010;1100;;;9 999 999 999 999 999,99;x"]
    errors = errors_of(org, write(tmp_path / "hb.csv", lines))
    assert any("9 999 999 999 999,99 kr" in e.message.replace("\u00a0", " ") for e in errors)


def test_the_largest_amount_is_stored_and_read_back_exactly(org, tmp_path):
    lines = [AGRESSO_HEADER, "202001;5010;1100;;;9 999 999 999 999,99;x"]
    lines.append("202002;5010;1100;;;-9 999 999 999 999,99;x")
    import_ledger(org, write(tmp_path / "hb.csv", lines), mapping=agresso())
    stored = sorted(b.amount for b in LedgerBalance.objects.filter(organisation=org))
    assert [str(a) for a in stored] == ["-9999999999999.99", "9999999999999.99"]

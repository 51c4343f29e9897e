"""What the fast paths of the import must not change: balances, raw rows, line numbers."""

from decimal import Decimal

import pytest

from tertial.core.errors import InputErrors
from tertial.economy.models import ImportBatch
from tertial.ingest.ledger.importer import import_ledger
from tertial.ingest.ledger.tracing import raw_info, rows_behind
from tests.ingest.ledger.helpers import AGRESSO_HEADER, agresso, balances, write


def test_a_reimport_replaces_the_months_balances(org, tmp_path):
    path = write(tmp_path / "ok.csv", [AGRESSO_HEADER, "202001;5010;1100;;;1234,50;Lön"])
    import_ledger(org, path, mapping=agresso())
    import_ledger(org, path, mapping=agresso())  # the re-import deletes and inserts again
    assert balances(org) == {("1100", "5010", 2020, 1, "", ""): Decimal("1234.50")}


def test_good_csv_is_kept_as_it_came_and_staged_on_the_first_trace(org, tmp_path):
    lines = [AGRESSO_HEADER, "202001;5010;1100;;;10,00;a", "", "202001;5010;1100;;;-2,50;b"]
    batch = import_ledger(org, write(tmp_path / "blank.csv", lines), mapping=agresso())
    assert batch.raw_path.endswith(".csv")
    assert raw_info(batch)["format"] == "csv"
    rows = rows_behind(org, "1100", 2020, 1)
    assert [(r["line"], r["amount"], r["text"]) for r in rows] == [
        (2, Decimal("10.00"), "a"),
        (4, Decimal("-2.50"), "b"),
    ]
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.raw_path.endswith(".parquet")
    assert raw_info(batch)["format"] == "parquet"
    assert [r["line"] for r in rows_behind(org, "1100", 2020, 1)] == [2, 4]


def test_amount_not_written_plainly_takes_the_full_parser(org, tmp_path):
    lines = [AGRESSO_HEADER, "202001;5010;1100;;;1.234,50-;a", "202001;5010;1100;;;(10,00);b"]
    batch = import_ledger(org, write(tmp_path / "odd.csv", lines), mapping=agresso())
    assert balances(org) == {("1100", "5010", 2020, 1, "", ""): Decimal("-1244.50")}
    assert batch.raw_path.endswith(".parquet")


def test_one_bad_line_in_a_good_file_is_named_by_its_line(org, tmp_path):
    lines = [AGRESSO_HEADER] + ["202001;5010;1100;;;1,00;x"] * 500
    lines[301] = "202001;5010;1100;;;1,0O;x"
    with pytest.raises(InputErrors) as caught:
        import_ledger(org, write(tmp_path / "bad.csv", lines), mapping=agresso())
    assert [(e.line, e.field) for e in caught.value.errors] == [(302, "Belopp")]


def test_file_on_another_file_system_is_copied_beside_the_checksum(org, tmp_path, monkeypatch):
    import os

    def no_link(source, target):
        raise OSError("Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    path = write(tmp_path / "ok.csv", [AGRESSO_HEADER, "202001;5010;1100;;;7,25;kopia"])
    batch = import_ledger(org, path, mapping=agresso())
    path.unlink()  # the kept copy does not depend on the imported file
    assert [(r["line"], r["amount"]) for r in rows_behind(org, "1100", 2020, 1)] == [
        (2, Decimal("7.25"))
    ]
    assert ImportBatch.objects.get(pk=batch.pk).raw_path.endswith(".parquet")


def test_kept_file_changed_since_the_import_is_refused_on_trace(org, tmp_path):
    path = write(tmp_path / "ok.csv", [AGRESSO_HEADER, "202001;5010;1100;;;7,25;a"])
    batch = import_ledger(org, path, mapping=agresso())
    with open(batch.raw_path, "ab") as kept:  # the same file as the imported one when linked
        kept.write(b"202001;5010;1100;;;1,00;b\n")
    with pytest.raises(RuntimeError, match="has changed"):
        rows_behind(org, "1100", 2020, 1)


def test_windows_1252_character_in_a_code_is_read_as_windows_1252(org, tmp_path):
    # "–" is 0x96 in Windows-1252, a control code in the Latin-1 the fast path reads with.
    lines = [AGRESSO_HEADER, "202001;5010;1100;V–1;P€;10,00;a", "202001;5010;1100;V–1;P€;2,50;b"]
    batch = import_ledger(org, write(tmp_path / "c1.csv", lines), mapping=agresso())
    assert balances(org) == {("1100", "5010", 2020, 1, "V–1", "P€"): Decimal("12.50")}
    assert batch.raw_path.endswith(".csv")  # the fast path, on the file transcoded to UTF-8


def test_checksum_is_the_sha256_of_the_file_as_it_came(org, tmp_path):
    import hashlib

    path = write(tmp_path / "ok.csv", [AGRESSO_HEADER, "202001;5010;1100;;;7,25;a"])
    batch = import_ledger(org, path, mapping=agresso())
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert ImportBatch.objects.get(pk=batch.pk).checksum == expected


def test_codes_written_differently_are_one_balance(org, tmp_path):
    # Summed first by the codes as written, then once more by the codes as read.
    lines = [
        AGRESSO_HEADER,
        "202001;5010;1100;A;;1,00;a",
        "202001; 5010;1100 ;A ;;2,00;b",
        "2020-01;5010;1100;A;;4,00;c",
    ]
    import_ledger(org, write(tmp_path / "spaces.csv", lines), mapping=agresso())
    assert balances(org) == {("1100", "5010", 2020, 1, "A", ""): Decimal("7.00")}


def test_amounts_stay_exact_to_the_ore(org, tmp_path):
    amounts = ["0,10", "0,20", "1234567890,01", "-0,01", "99999999999,99"]
    lines = [AGRESSO_HEADER] + [f"2020{m + 1:02d};5010;1100;;;{a};x" for m, a in enumerate(amounts)]
    import_ledger(org, write(tmp_path / "exact.csv", lines), mapping=agresso())
    stored = balances(org)
    assert [stored[("1100", "5010", 2020, m + 1, "", "")] for m in range(5)] == [
        Decimal(a.replace(",", ".")) for a in amounts
    ]


def test_thousands_of_balances_are_stored_each_once(org, tmp_path):
    # More balances than one INSERT statement of the SQLite path holds, and a remainder.
    lines = [AGRESSO_HEADER] + [f"202003;5010;1100;A{i};;{i},01;x" for i in range(2345)]
    batch = import_ledger(org, write(tmp_path / "many.csv", lines), mapping=agresso())
    stored = balances(org)
    assert len(stored) == 2345 == batch.balances.count()
    assert stored[("1100", "5010", 2020, 3, "A0", "")] == Decimal("0.01")
    assert stored[("1100", "5010", 2020, 3, "A2344", "")] == Decimal("2344.01")
    assert sum(stored.values()) == sum(Decimal(f"{i}.01") for i in range(2345))


def test_a_sum_too_large_only_together_is_refused_and_nothing_stored(org, tmp_path):
    big, small = "9999999999999,00", "-9999999999998,00"
    lines = [AGRESSO_HEADER, f"202001;5010;1100;;;{big};a", f"202001;5010 ;1100;;;{big};b"]
    lines.append(f"202002;5010;1100;;;{small};c")  # the file's total is small enough
    with pytest.raises(InputErrors, match="en summa är för stor"):
        import_ledger(org, write(tmp_path / "big.csv", lines), mapping=agresso())
    assert balances(org) == {}
    assert not ImportBatch.objects.filter(organisation=org).exists()


def test_a_file_whose_total_is_too_large_is_refused(org, tmp_path):
    big = "6000000000000,00"
    lines = [AGRESSO_HEADER, f"202001;5010;1100;;;{big};a", f"202002;5010;1100;;;{big};b"]
    with pytest.raises(InputErrors, match="filens summa är för stor"):
        import_ledger(org, write(tmp_path / "big.csv", lines), mapping=agresso())
    assert balances(org) == {}


def test_balances_of_every_unit_are_stored_once_when_stored_in_parts(org, tmp_path):
    # Three units: each is a part of its own (ledger_import.PARTS), stored while the next is
    # computed.
    lines = [AGRESSO_HEADER] + [
        f"2020{m:02d};5010;{unit};A{i};;{i},50;x"
        for unit in ("3100", "1100", "2100")
        for m in (1, 2)
        for i in range(700)
    ]
    batch = import_ledger(org, write(tmp_path / "parts.csv", lines), mapping=agresso())
    stored = balances(org)
    assert len(stored) == 3 * 2 * 700 == batch.balances.count()
    assert {key[0] for key in stored} == {"1100", "2100", "3100"}
    assert stored[("2100", "5010", 2020, 2, "A699", "")] == Decimal("699.50")
    assert sum(stored.values()) == 6 * sum(Decimal(f"{i}.50") for i in range(700))

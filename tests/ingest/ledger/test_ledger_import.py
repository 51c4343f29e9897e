"""Importing ledger exports: what is stored, re-import, undo, the raw-row trace."""

from decimal import Decimal

import pytest

from tertial.economy.models import Account, ImportBatch, LedgerBalance
from tertial.economy.services.imports import undo_import
from tertial.ingest.ledger.importer import import_ledger
from tertial.ingest.ledger.tracing import rows_behind
from tests.ingest.ledger.helpers import AGRESSO_HEADER, agresso, balances, write

LINES = [
    AGRESSO_HEADER,
    "202001;5010;1100;100;;1 234,50;Lön januari",
    "202001;5010;1100;100;;100,25;Lön tillägg",
    "202001;3510;1100;100;;-2 000,00;Försäljning Åby",
    "202002;5010;2100;;P1;50,00-;Rättelse",
    "202002;4010;2100;;;10;Städning",
]


def test_import_stores_exact_monthly_sums(org, tmp_path):
    path = write(tmp_path / "hb.csv", LINES)
    batch = import_ledger(org, path, mapping=agresso())
    assert balances(org) == {
        ("1100", "5010", 2020, 1, "100", ""): Decimal("1334.75"),
        ("1100", "3510", 2020, 1, "100", ""): Decimal("-2000.00"),
        ("2100", "5010", 2020, 2, "", "P1"): Decimal("-50.00"),
        ("2100", "4010", 2020, 2, "", ""): Decimal("10.00"),
    }
    assert batch.row_count == 5
    assert batch.total == Decimal("-705.25")
    assert batch.months == ["2020-01", "2020-02"]
    assert batch.source_name == "hb.csv"
    assert len(batch.checksum) == 64
    assert Account.objects.get(organisation=org, number="4010").account_class.code == "other"


def test_reimport_replaces_never_adds(org, tmp_path):
    path = write(tmp_path / "hb.csv", LINES)
    import_ledger(org, path, mapping=agresso())
    first = balances(org)
    import_ledger(org, path, mapping=agresso())
    assert balances(org) == first
    assert LedgerBalance.objects.filter(organisation=org).count() == 4


def test_reimport_of_one_month_keeps_the_others(org, tmp_path):
    import_ledger(org, write(tmp_path / "a.csv", LINES), mapping=agresso())
    february = [AGRESSO_HEADER, "202002;5010;2100;;P1;70,00;Ny"]
    import_ledger(org, write(tmp_path / "b.csv", february), mapping=agresso())
    stored = balances(org)
    assert stored[("1100", "5010", 2020, 1, "100", "")] == Decimal("1334.75")
    assert stored[("2100", "5010", 2020, 2, "", "P1")] == Decimal("70.00")
    assert ("2100", "4010", 2020, 2, "", "") not in stored


def test_undo_removes_the_batch_balances(org, tmp_path):
    batch = import_ledger(org, write(tmp_path / "hb.csv", LINES), mapping=agresso())
    assert undo_import(batch) == 4
    batch.refresh_from_db()
    assert batch.undone_at is not None
    assert not LedgerBalance.objects.filter(organisation=org).exists()
    with pytest.raises(ValueError):
        undo_import(batch)


def test_rows_behind_trace_a_balance_to_its_lines(org, tmp_path):
    import_ledger(org, write(tmp_path / "hb.csv", LINES), mapping=agresso())
    rows = rows_behind(org, "1100", 2020, [1], account="5010")
    assert [r["line"] for r in rows] == [2, 3]
    assert sum(r["amount"] for r in rows) == Decimal("1334.75")
    assert rows[0]["text"] == "Lön januari"
    assert rows[0]["file"] == "hb.csv"
    assert [r["line"] for r in rows_behind(org, "1100", 2020, 1)] == [2, 3, 4]


def test_batch_is_audited_and_raw_rows_kept(org, tmp_path, data_dir):
    from tertial.audit.models import AuditEntry

    batch = import_ledger(org, write(tmp_path / "hb.csv", LINES), mapping=agresso())
    assert (data_dir / "raw" / f"{batch.pk}.parquet").is_file()
    entry = AuditEntry.objects.get(action="economy.ledger.imported", object_id=str(batch.pk))
    assert entry.after["rows"] == 5
    undo_import(batch)
    assert AuditEntry.objects.filter(action="economy.ledger.undone").exists()
    assert ImportBatch.objects.get(pk=batch.pk).undone_at is not None


def test_refused_import_leaves_no_files(org, tmp_path, data_dir):
    from tertial.core.errors import InputErrors

    path = write(tmp_path / "hb.csv", LINES)
    first = import_ledger(org, path, mapping=agresso())
    with pytest.raises(InputErrors):
        import_ledger(org, path, mapping=agresso(), replace=False)
    assert sorted(p.name for p in (data_dir / "raw").iterdir()) == [
        f"{first.pk}.json",
        f"{first.pk}.parquet",
    ]
    assert ImportBatch.objects.filter(organisation=org).count() == 1


def test_the_whole_organisations_rows_are_counted_and_summed_as_read(org, tmp_path):
    from tertial.ingest.ledger.tracing import rows_page

    import_ledger(org, write(tmp_path / "hb.csv", LINES), mapping=agresso())
    whole = rows_page(org, 2020, [1, 2])
    assert whole.count == len(whole.rows) == 5  # the count kept per unit and month
    assert whole.total == sum(r["amount"] for r in whole.rows) == Decimal("-705.25")
    one = rows_page(org, 2020, [1, 2], limit=2, offset=1)
    assert (one.count, one.total) == (5, whole.total)
    assert one.rows == whole.rows[1:3]  # kept by unit, month and line
    by_account = rows_page(org, 2020, [2], account="4010")
    assert (by_account.count, [r["line"] for r in by_account.rows]) == (1, [6])

"""tertial import records: reading, checking, keeping only what the mapping names,
pseudonymising, replacing the months a file covers."""

import json

import duckdb
import pytest
from django.core.management import call_command

from tertial.core.errors import InputErrors
from tertial.ingest.records.importer import import_records
from tertial.ingest.records.mapping import mapping_from_dict
from tertial.records import files, services
from tertial.records.models import ComputedValue, RecordBatch

from .conftest import write

CALLS = mapping_from_dict(
    {
        "kind": "contacts",
        "name": "calls",
        "delimiter": ",",
        "columns": {
            "id": "ContactId", "offered": "Offered", "answered": "Answered",
            "abandoned": "Abandoned", "channel": "Channel", "unit": "Unit", "queue": "Queue",
        },
        "codes": {"channel": {"voice": "phone"}, "unit": {"KL": "2100"}},
    }
)  # fmt: skip

HEADER = "ContactId,Queue,Offered,Answered,Abandoned,Channel,Unit,Caller,Name,Email,Comment\n"


def calls_file(tmp_path, rows, name="calls.csv"):
    lines = [HEADER]
    for i, (offered, answered, abandoned, channel) in enumerate(rows, start=1):
        lines.append(
            f"C{i},Kontakt,{offered},{answered},{abandoned},{channel},KL,"
            f"070-{i:07d},Anna Andersson {i},anna{i}@example.se,ringde om sin faktura\n"
        )
    return write(tmp_path / name, "".join(lines))


def kept(batch):
    return duckdb.sql(f"SELECT * FROM read_parquet('{files.batch_path(batch)}')")


def test_an_export_with_personal_columns_keeps_none_of_them(org, tmp_path):
    path = calls_file(
        tmp_path,
        [("2020-01-02 08:00:00", "2020-01-02 08:01:00", 0, "voice"),
         ("2020-01-02 09:00:00", "", 1, "voice")],
    )  # fmt: skip
    batch = import_records(org, path, mapping=CALLS)
    relation = kept(batch)
    columns = [c.lower() for c in relation.columns]
    assert not {"caller", "name", "email", "comment"} & set(columns)
    text = json.dumps(relation.fetchall(), default=str)
    assert "070-" not in text and "Anna" not in text and "example.se" not in text
    assert "faktura" not in text
    # the ids are pseudonyms, the same for the same id within the organisation
    ids = [row[1] for row in relation.fetchall()]
    assert "C1" not in ids and len(ids[0]) == 64
    again = import_records(org, path, mapping=CALLS)
    assert [r[1] for r in kept(again).fetchall()] == ids
    assert batch.columns == sorted(CALLS.columns)


def test_a_column_the_mapping_keeps_is_kept(org, tmp_path):
    mapping = mapping_from_dict({**_as_dict(CALLS), "keep": ["Comment"], "pseudonymise": False})
    path = calls_file(tmp_path, [("2020-01-02 08:00:00", "2020-01-02 08:01:00", 0, "voice")])
    batch = import_records(org, path, mapping=mapping)
    (row,) = duckdb.sql(
        f"SELECT id, keep_0 FROM read_parquet('{files.batch_path(batch)}')"
    ).fetchall()
    assert row == ("C1", "ringde om sin faktura")
    assert "keep:Comment" in batch.columns


def _as_dict(mapping):
    return {
        "kind": mapping.kind, "name": mapping.name, "delimiter": mapping.delimiter,
        "columns": mapping.columns,
        "codes": {"channel": {"voice": "phone"}, "unit": {"KL": "2100"}},
    }  # fmt: skip


def test_a_broken_export_is_refused_by_line_and_column_and_nothing_is_stored(org, tmp_path):
    path = write(
        tmp_path / "broken.csv",
        HEADER
        + "C1,Kontakt,2020-01-02 08:00:00,2020-01-02 08:01:00,0,voice,KL,,,,\n"
        + "C2,Kontakt,2 januari,2020-01-02 08:01:00,0,voice,KL,,,,\n"
        + "C3,Kontakt,2020-01-02 08:00:00,,kanske,voice,KL,,,,\n"
        + "C4,Kontakt,2020-01-02 08:00:00,,1,fax,KL,,,,\n"
        + "C5,Kontakt,2020-01-02 08:00:00,,1,voice,9999,,,,\n",
    )
    with pytest.raises(InputErrors) as caught:
        import_records(org, path, mapping=CALLS)
    found = {(e.file, e.line, e.field) for e in caught.value.errors}
    assert found == {
        ("broken.csv", 3, "Offered"),
        ("broken.csv", 4, "Abandoned"),
        ("broken.csv", 5, "Channel"),
        ("broken.csv", 6, "Unit"),
    }
    assert not RecordBatch.objects.filter(organisation=org).exists()
    assert not list(files.records_dir(org.pk).glob("*.parquet"))


def test_a_file_without_a_mapped_required_column_is_refused_naming_it(org, tmp_path):
    path = write(tmp_path / "short.csv", "ContactId,Channel\nC1,voice\n")
    with pytest.raises(InputErrors) as caught:
        import_records(org, path, mapping=CALLS)
    assert "Offered" in str(caught.value)


def test_a_reimport_of_the_same_months_replaces_them(org, tmp_path):
    services.define_indicator(org.indicators.get(code="calls"), {"kind": "contacts"})
    first = calls_file(
        tmp_path,
        [("2020-01-02 08:00:00", "", 1, "voice"), ("2020-02-02 08:00:00", "", 1, "voice"),
         ("2020-02-03 08:00:00", "", 1, "voice")],
        "jan-feb.csv",
    )  # fmt: skip
    second = calls_file(
        tmp_path,
        [("2020-02-02 08:00:00", "", 1, "voice"), ("2020-03-02 08:00:00", "", 1, "voice")],
        "feb-mar.csv",
    )  # fmt: skip
    old = import_records(org, first, mapping=CALLS)
    import_records(org, second, mapping=CALLS)
    old.refresh_from_db()
    assert old.months == ["2020-01"]
    services.compute_values(org)
    values = {
        c.through_month: c.value for c in ComputedValue.objects.filter(indicator__code="calls")
    }
    # January from the first file, February and March from the second only
    assert values == {2: 2, 3: 3}


def test_json_lines_and_excel_read_as_csv_does(org, tmp_path):
    import openpyxl

    rows = [
        {"ContactId": "C1", "Queue": "K", "Offered": "2020-01-02 08:00:00",
         "Answered": "2020-01-02 08:00:30", "Abandoned": "0", "Channel": "voice", "Unit": "KL"},
        {"ContactId": "C2", "Queue": "K", "Offered": "2020-01-03 08:00:00", "Answered": None,
         "Abandoned": "1", "Channel": "voice", "Unit": "KL"},
    ]  # fmt: skip
    jsonl = tmp_path / "calls.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for r in rows:
        sheet.append(list(r.values()))
    workbook.save(tmp_path / "calls.xlsx")
    # a JSON lines file has no header line; a sheet has one
    for path, first in ((jsonl, 1), (tmp_path / "calls.xlsx", 2)):
        batch = import_records(org, path, mapping=CALLS)
        got = duckdb.sql(
            f"SELECT line, wait_seconds, answered, abandoned, unit, channel "
            f"FROM read_parquet('{files.batch_path(batch)}') ORDER BY line"
        ).fetchall()
        assert got == [
            (first, 30.0, True, False, "2100", "phone"),
            (first + 1, None, False, True, "2100", "phone"),
        ]


def test_the_command_imports_a_file_and_computes_the_indicators(org, tmp_path, capsys):
    services.define_indicator(org.indicators.get(code="calls"), {"kind": "contacts"})
    path = calls_file(
        tmp_path,
        [("2020-01-02 08:00:00", "", 1, "voice")] * 2 + [("2020-02-02 08:00:00", "", 1, "voice")],
    )
    mapping = tmp_path / "calls.yaml"
    mapping.write_text(json.dumps(_as_dict(CALLS)))
    call_command("import_records", str(path), "--org", "records", "--mapping", str(mapping))
    assert "3 poster importerade för 2020-01, 2020-02" in capsys.readouterr().out
    # January–February only: the records do not cover the later periods whole
    (value,) = ComputedValue.objects.filter(indicator__code="calls")
    assert (value.through_month, value.value, value.record_count) == (2, 3, 3)
    stored = org.indicators.get(code="calls").values.get(year=2020, through_month=2)
    assert (stored.value, stored.source) == (3, services.RECORDS_SOURCE)

"""One reader, two rules: an export's rows of one key are summed, the folder's are refused."""

from decimal import Decimal

import pytest

from tertial.core.errors import InputErrors
from tertial.economy.services.imports import add_unit_alias, known_codes, store_imports
from tertial.ingest.ledger.importer import FOLDER_RULES, import_ledger, read_export
from tertial.ingest.ledger.mapping import MappingError, mapping_from_dict
from tests.ingest.ledger.helpers import balances, write

HEADER = "year;month;unit;account;activity;project;amount"
DOUBLED = [HEADER, "2020;1;1100;5010;;;10,00", "2020;1;2100;5010;;;1,00", "2020;1;1100;5010;;;2,50"]


def read(org, path, rules=FOLDER_RULES):
    with read_export(
        path, kind="ledger", mapping="tertial", codes=known_codes(org), rules=rules
    ) as export:
        return export.row_count


def test_an_export_sums_the_rows_of_one_key(org, tmp_path):
    import_ledger(org, write(tmp_path / "hb.csv", DOUBLED, "utf-8"), mapping="tertial")
    assert balances(org) == {
        ("1100", "5010", 2020, 1, "", ""): Decimal("12.50"),
        ("2100", "5010", 2020, 1, "", ""): Decimal("1.00"),
    }


def test_the_folders_rule_refuses_a_second_row_of_a_key_naming_both_lines(org, tmp_path):
    with pytest.raises(InputErrors) as info:
        read(org, write(tmp_path / "hb.csv", DOUBLED, "utf-8"))
    [error] = info.value.errors
    assert (error.file, error.line, error.field) == ("hb.csv", 4, "year, month")
    assert "ansvar 1100, konto 5010, 2020-01 (den första på rad 2)" in error.message


def test_a_key_written_in_two_ways_is_one_key(org, tmp_path):
    lines = [HEADER, "2020;1;1100;5010;;;10,00", "2020;01; 1100 ;5010;;;1,00"]
    with pytest.raises(InputErrors) as info:
        read(org, write(tmp_path / "hb.csv", lines, "utf-8"))
    assert [e.line for e in info.value.errors] == [3]


def test_the_folders_rule_refuses_columns_the_format_does_not_know(org, tmp_path):
    lines = ["year;month;unit;account;amount;Amount;note", "2020;1;1100;5010;1;1;x"]
    with pytest.raises(InputErrors) as info:
        read(org, write(tmp_path / "hb.csv", lines, "utf-8"))
    assert [(e.line, e.field, e.message.split(";")[0]) for e in info.value.errors] == [
        (1, "Amount", "kolumnen finns två gånger"),
        (1, "note", "okänd kolumn"),
    ]


def test_an_export_ignores_other_columns_and_may_lack_the_optional_ones(org, tmp_path):
    lines = ["Note;year;month;unit;account;amount", "x;2020;1;1100;5010;3,00"]
    import_ledger(org, write(tmp_path / "hb.csv", lines, "utf-8"), mapping="tertial")
    assert balances(org) == {("1100", "5010", 2020, 1, "", ""): Decimal("3.00")}


def test_a_required_column_may_not_be_left_out(org, tmp_path):
    lines = ["year;month;unit;amount", "2020;1;1100;3,00"]
    with pytest.raises(InputErrors) as info:
        read(org, write(tmp_path / "hb.csv", lines, "utf-8"))
    [error] = info.value.errors
    assert (error.line, error.field) == (1, "account")


def test_a_utf16_file_is_refused_by_name(org, tmp_path):
    path = tmp_path / "hb.csv"
    path.write_bytes("\n".join(DOUBLED).encode("utf-16"))
    with pytest.raises(InputErrors) as info:
        import_ledger(org, path, mapping="tertial")
    [error] = info.value.errors
    assert error.line is None and "UTF-16" in error.message


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"optional": ["unit"]}, "optional:"),
        ({"optional": ["project"]}, "optional:"),  # not a column of the mapping
        ({"comment": "//"}, "comment:"),
    ],
)
def test_optional_columns_and_comments_are_checked_in_the_mapping(extra, message):
    data = {
        "columns": {"period": "P", "unit": "U", "account": "K", "amount": "B", "activity": "V"},
        **extra,
    }
    with pytest.raises(MappingError, match=message):
        mapping_from_dict(data)


def test_a_code_gone_between_reading_and_storing_stores_nothing(org, tmp_path):
    from tertial.economy.models import ImportBatch, UnitCodeAlias

    alias = add_unit_alias(org, "1199", org.units.get(code="1100"))
    lines = [HEADER, "2020;1;1199;5010;;;10,00", "2020;1;2100;5010;;;1,00"]
    path = write(tmp_path / "hb.csv", lines, "utf-8")
    with read_export(path, kind="ledger", mapping="tertial", codes=known_codes(org)) as export:
        UnitCodeAlias.objects.filter(pk=alias.pk).delete()
        with pytest.raises(InputErrors, match="ansvarskoderna 1199 finns inte längre"):
            store_imports(org, [export.to_store()], replace=True)
    assert balances(org) == {}
    assert not ImportBatch.objects.filter(organisation=org).exists()

"""An organisation folder's records: definitions in goals.yaml, files in records/."""

import pytest

from tertial.core.errors import InputErrors
from tertial.ingest.folder import load_organisation, read_folder

from .helpers import GOALS, append, assert_error, copy_small, errors_of


def test_a_records_definition_is_read(tmp_path):
    folder = copy_small(tmp_path)
    append(folder, GOALS, "    records: {kind: cases, where: {channel: chat}}\n")  # on arenden
    (arenden,) = [i for i in read_folder(folder).indicators if i.records]
    assert arenden.records == {"kind": "cases", "where": {"channel": "chat"}}


def test_a_bad_records_definition_names_its_line(tmp_path):
    folder = copy_small(tmp_path)
    line = append(folder, GOALS, "    records: {kind: cases, compute: average}\n")
    assert_error(errors_of(folder), GOALS, line, "indicators[4].records", "compute")


def test_a_missing_record_file_or_unknown_mapping_names_its_line(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "records").mkdir()
    (folder / "records" / "sources.yaml").write_text(
        "files:\n  - {file: saknas.csv, mapping: tertial-cases}\n"
        "  - {file: sources.yaml, mapping: nosuch}\n"
    )
    errors = errors_of(folder)
    assert_error(errors, "records/sources.yaml", 2, "files[0].file", "no file records/saknas.csv")
    assert_error(errors, "records/sources.yaml", 3, "files[1].mapping", "nosuch")


@pytest.mark.django_db
def test_a_broken_record_file_stores_nothing_of_the_folder(tmp_path, settings):
    from tertial.organisation.models import Organisation

    settings.DATA_DIR = tmp_path / "data"
    folder = copy_small(tmp_path)
    (folder / "records").mkdir()
    (folder / "records" / "sources.yaml").write_text(
        "files:\n  - {file: cases.csv, mapping: tertial-cases}\n"
    )
    (folder / "records" / "cases.csv").write_text("id,opened,unit\n1,igår,X\n")
    with pytest.raises(InputErrors) as caught:
        load_organisation(folder)
    assert {(e.file, e.line, e.field) for e in caught.value.errors} == {
        ("records/cases.csv", 2, "opened"),
        ("records/cases.csv", 2, "unit"),
    }
    assert not Organisation.objects.filter(slug="provorg").exists()

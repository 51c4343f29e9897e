"""A re-load keeps the data of periods approved or locked in the database, unless forced."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tertial.core.errors import InputErrors
from tertial.economy.models import Forecast
from tertial.goals.models import Assessment, IndicatorValue
from tertial.ingest.folder import load_folder, load_organisation
from tertial.narrative.models import NarrativeSection
from tertial.organisation.models import Period, Unit

from .helpers import append, contents, copy_small, replace, row_counts

pytestmark = pytest.mark.django_db

REPORT = "followups/2021-08/report.yaml"
NEW_JUSTIFICATION = "    justification: Prognosen visar ett större underskott.\n"
OLD_JUSTIFICATION = "    justification: Prognosen visar ett litet underskott.\n"


def approve(key: str, status: str = "approved") -> None:
    Period.objects.filter(fiscal_year__organisation__slug="provorg", key=key).update(status=status)


def status(key: str) -> str:
    return Period.objects.get(fiscal_year__organisation__slug="provorg", key=key).status


@pytest.fixture
def folder(tmp_path):
    folder = copy_small(tmp_path)
    load_organisation(folder)
    return folder


def test_unchanged_folder_reloads_and_keeps_the_rows(folder):
    approve("2021-08")
    assessment_pks = set(Assessment.objects.values_list("pk", flat=True))
    forecast_pks = set(Forecast.objects.values_list("pk", flat=True))
    before_counts, before = row_counts(), contents()
    result = load_folder(folder)
    # kept, not deleted and written again: the approved rows are the same rows
    assert set(Assessment.objects.values_list("pk", flat=True)) == assessment_pks
    assert set(Forecast.objects.values_list("pk", flat=True)) == forecast_pks
    assert contents() == before
    counts = row_counts()
    assert counts.pop("audit.AuditEntry") > before_counts.pop("audit.AuditEntry")
    assert counts == before_counts
    # the folder still says open: the status is not moved back
    assert status("2021-08") == "approved"
    assert result.notes == [
        "perioden 2021-08 är godkänd i databasen: dess uppgifter, desamma i mappen, "
        "har behållits som de är",
        "perioden 2021-08 förblir godkänd som i databasen (mappen säger open); "
        "läs in med --force för att ändra det",
    ]


def test_changed_assessment_is_refused(folder):
    approve("2021-08")
    before_counts, before = row_counts(), contents()
    replace(folder, REPORT, OLD_JUSTIFICATION, NEW_JUSTIFICATION)
    replace(folder, "organisation.yaml", "name: Kundtjänst", "name: Kundcenter")
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    [error] = info.value.errors
    assert (error.file, error.line, error.field) == ("followups/2021-08", None, "")
    assert "perioden 2021-08 är godkänd i databasen" in error.message
    assert "--force" in error.message
    # nothing stored, not even what the protection does not concern
    assert (row_counts(), contents()) == (before_counts, before)
    assert Unit.objects.get(code="200").name == "Kundtjänst"


def test_changed_assessment_is_stored_with_force(folder):
    approve("2021-08", "locked")
    replace(folder, REPORT, OLD_JUSTIFICATION, NEW_JUSTIFICATION)
    load_organisation(folder, force=True)
    current = Assessment.objects.get(board_goal__code="nollresultat")
    assert current.justification == "Prognosen visar ett större underskott."
    assert current.proposed_value == "not_assessable"
    assert status("2021-08") == "open"  # the folder's status, as forced


def test_text_edited_in_the_web_app_before_approval_is_not_overwritten(folder):
    section = NarrativeSection.objects.get(period__key="2021-08", key="overall_assessment")
    section.body = "Året går bättre än planerat."
    section.save()
    approve("2021-08")
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    assert [e.file for e in info.value.errors] == ["followups/2021-08"]
    section.refresh_from_db()
    assert section.body == "Året går bättre än planerat."


def test_value_added_to_an_approved_period_is_refused(folder):
    # 2021-04 is approved in the folder, so in the database since the first load
    append(folder, "indicator_values.csv", "svarsservice;2021-04;actual;T;89;;\n")
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    assert [e.file for e in info.value.errors] == ["indicator_values.csv"]
    assert not IndicatorValue.objects.filter(year=2021, through_month=4).exists()


def test_changed_indicator_value_of_an_approved_period(tmp_path):
    folder = copy_small(tmp_path)
    line_text = "svarsservice;2021-04;actual;T;89;;\n"
    append(folder, "indicator_values.csv", line_text)
    load_organisation(folder)  # the first load stores it: nothing was approved before
    load_organisation(folder)  # the same value again: nothing to replace
    replace(folder, "indicator_values.csv", line_text, "svarsservice;2021-04;actual;T;90;;\n")
    with pytest.raises(InputErrors) as info:
        load_organisation(folder)
    [error] = info.value.errors
    assert error.file == "indicator_values.csv"
    assert "perioden 2021-04 är godkänd i databasen" in error.message
    value = IndicatorValue.objects.get(indicator__code="svarsservice", year=2021, through_month=4)
    assert value.value == 89
    load_organisation(folder, force=True)
    value = IndicatorValue.objects.get(indicator__code="svarsservice", year=2021, through_month=4)
    assert value.value == 90


def test_values_of_open_periods_are_still_replaced(folder):
    approve("2021-04")
    replace(folder, "indicator_values.csv", "T;91,5;", "T;92;")
    load_organisation(folder)
    value = IndicatorValue.objects.get(indicator__code="svarsservice", year=2021, through_month=8)
    assert value.value == 92


def test_folder_may_lock_a_period_further(folder):
    approve("2021-08")
    replace(
        folder,
        "organisation.yaml",
        "{key: 2021-08, kind: interim, title: Delårsrapport januari–augusti 2021}",
        "{key: 2021-08, kind: interim, title: Delårsrapport januari–augusti 2021, status: locked}",
    )
    assert load_folder(folder).notes == [
        "perioden 2021-08 är godkänd i databasen: dess uppgifter, desamma i mappen, "
        "har behållits som de är"
    ]
    assert status("2021-08") == "locked"


def test_load_command_force(folder):
    approve("2021-08")
    replace(folder, REPORT, OLD_JUSTIFICATION, NEW_JUSTIFICATION)
    with pytest.raises(CommandError, match="1 fel i"):
        call_command("load", str(folder), stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("load", str(folder), "--force", stdout=out, stderr=StringIO())
    assert "2 förslag till bedömning" in out.getvalue()
    assert Assessment.objects.get(
        board_goal__code="nollresultat", period__key="2021-08"
    ).justification.startswith("Prognosen visar ett större")

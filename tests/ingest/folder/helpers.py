"""What the folder tests share: a copy of the small fixture organisation that a test may
break, the errors it gives, and what a load stored."""

import shutil
from pathlib import Path

import pytest
from django.apps import apps

from tertial.core.errors import InputError, InputErrors
from tertial.economy.models import LedgerBalance
from tertial.goals.models import Assessment, IndicatorTarget, IndicatorValue
from tertial.ingest.folder import read_folder
from tertial.narrative.models import NarrativeSection
from tertial.organisation.models import Organisation, Unit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL = FIXTURES / "small"


def copy_small(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    return folder


def replace(folder: Path, file: str, old: str, new: str) -> int:
    """Replace ``old`` once in ``file``; returns the line (from 1) where ``new`` now starts."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    start = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.count("\n", 0, start) + 1


def append(folder: Path, file: str, text: str) -> int:
    """Append lines to ``file``; returns the line number of the first appended line."""
    path = folder / file
    existing = path.read_text(encoding="utf-8")
    path.write_text(existing + text, encoding="utf-8")
    return existing.count("\n") + 1


def errors_of(folder) -> list[InputError]:
    with pytest.raises(InputErrors) as info:
        read_folder(folder)
    return info.value.errors


def assert_error(errors, file, line, field, text):
    matches = [e for e in errors if (e.file, e.line, e.field) == (file, line, field)]
    assert matches, f"no error at {file}:{line} [{field}] in {[str(e) for e in errors]}"
    assert any(text in e.message for e in matches), [str(e) for e in matches]


GOALS = "goals.yaml"


def add_indicator(folder: Path, code: str, measure: str, formula: str) -> int:
    """Append a computed indicator to goals.yaml; returns the line of its formula."""
    first = append(
        folder,
        GOALS,
        f"  - code: {code}\n    name: {code}\n    measure: {measure}\n    formula: {formula}\n",
    )
    return first + 3


APPS = ("organisation", "economy", "goals", "narrative", "audit")


def row_counts(apps_counted=APPS) -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in apps_counted
        for model in apps.get_app_config(app).get_models()
    }


def contents(slug: str = "provorg") -> dict:
    """What a load stored, in plain values, to compare two loads."""
    org = Organisation.objects.get(slug=slug)
    return {
        "organisation": (org.name, org.short_name, org.municipality, org.settings),
        "units": sorted(
            Unit.objects.filter(organisation=org).values_list(
                "code", "name", "parent__code", "starts_on", "ends_on"
            )
        ),
        "ledger": sorted(
            LedgerBalance.objects.filter(organisation=org).values_list(
                "unit__code", "account__number", "year", "month", "activity", "project", "amount"
            )
        ),
        "values": sorted(
            IndicatorValue.objects.filter(indicator__organisation=org).values_list(
                "indicator__code",
                "year",
                "through_month",
                "kind",
                "gender",
                "value",
                "note",
                "source",
            )
        ),
        "targets": sorted(
            IndicatorTarget.objects.filter(indicator__organisation=org).values_list(
                "indicator__code", "year", "text", "comparator", "value", "tolerance"
            )
        ),
        "forecasts": sorted(
            org.units.values_list(
                "forecasts__period__key",
                "code",
                "forecasts__net_result",
                "forecasts__comment",
            ).exclude(forecasts=None)
        ),
        "sections": sorted(
            NarrativeSection.objects.filter(period__fiscal_year__organisation=org).values_list(
                "period__key", "key", "title", "body"
            )
        ),
        "assessments": sorted(
            Assessment.objects.filter(board_goal__fiscal_year__organisation=org).values_list(
                "board_goal__code", "value", "justification", "items__kind", "items__text"
            )
        ),
    }

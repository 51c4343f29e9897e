"""The histories beside the fields: several objects' histories read at once are each
object's own, newest first."""

import pytest

from tertial.audit.history import histories, history
from tertial.audit.log import record
from tertial.core.textdiff import DELETED, INSERTED
from tertial.economy.models import Forecast
from tertial.organisation.models import Unit
from tertial.workflow.models import UnitSubmission

pytestmark = pytest.mark.django_db


def test_the_histories_of_several_objects_in_one_query(vss, django_assert_num_queries):
    units = list(Unit.objects.filter(organisation=vss).order_by("pk")[:3])
    for number, unit in enumerate(units[:2]):
        for step in range(number + 2):
            record("test.step", organisation=vss, obj=unit, before=step, after=step + 1)
    with django_assert_num_queries(1):
        each = histories(units)
    assert each == {unit.pk: history(unit) for unit in units}
    assert [len(each[unit.pk]) for unit in units] == [2, 3, 0]
    assert [change.fields[0].after for change in each[units[1].pk]] == ["3", "2", "1"]
    assert histories([]) == {}


def test_a_change_reads_as_what_was_done_by_whom_and_what_changed(vss, period_2020_08, people):
    unit = people.lkdata
    submission = UnitSubmission.objects.create(unit=unit, period=period_2020_08)
    record(
        "workflow.unit.returned",
        actor=people.controller,
        organisation=vss,
        obj=submission,
        before={"state": "submitted"},
        after={"state": "returned"},
        reason="Kommentera avvikelsen.",
    )
    (change,) = history(submission)
    assert (change.what, change.who, change.note) == (
        "Återsänd",
        people.controller.get_username(),
        "Kommentera avvikelsen.",
    )
    assert [(f.label, f.before, f.after) for f in change.fields] == [
        ("status", "inlämnad", "återsänd")
    ]


def test_amounts_in_tkr_long_texts_by_word_and_a_new_row_without_its_keys(vss, period_2020_08):
    forecast = Forecast.objects.filter(period=period_2020_08).first()
    text = "Prognosen bygger på " + " ".join(f"antagande{i}" for i in range(30)) + "."
    record(
        "economy.forecast.saved",
        organisation=vss,
        obj=forecast,
        before=None,
        after={"unit": "1800", "net_result": "2600000.00", "comment": text},
    )
    record(
        "economy.forecast.saved",
        organisation=vss,
        obj=forecast,
        before={"unit": "1800", "net_result": "2600000.00", "comment": text},
        after={"unit": "1800", "net_result": "3000000", "comment": text.replace("bygger", "vilar")},
    )
    changed, created = history(forecast)[:2]
    assert [f.label for f in created.fields] == ["prognos nettoresultat", "analys och kommentar"]
    assert created.fields[0].after == "2\u00a0600 tkr"
    amount, comment = changed.fields
    assert (amount.before, amount.after) == ("2\u00a0600 tkr", "3\u00a0000 tkr")
    assert (DELETED, "bygger") in comment.words and (INSERTED, "vilar") in comment.words
    assert sum(len(text) for _kind, text in comment.words) < len(text)

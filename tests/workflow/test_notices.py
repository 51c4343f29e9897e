"""Notices and reminders by e-mail (Django's test outbox), to the right people, once, and
never to someone who turned them off; the start page's list of what to do."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tertial.notifications.services import set_preferences
from tertial.workflow import services as workflow
from tertial.workflow.notices import send_reminders
from tertial.workflow.queries import todos_of

pytestmark = pytest.mark.django_db


def test_a_submitted_unit_is_told_to_those_who_review_it(people, period_2020_08, outbox):
    to = outbox(
        lambda: workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    )
    assert to == ["admin@example.org", "controller@example.org"]
    assert "LKDATA" in mail.outbox[0].subject and "/unit/" in mail.outbox[0].body


def test_a_returned_unit_is_told_to_its_heads_with_the_comment(people, period_2020_08, outbox):
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    to = outbox(
        lambda: workflow.return_unit(
            people.lkdata, period_2020_08, actor=people.controller, comment="Rätta prognosen."
        )
    )
    assert to == ["lkdata@example.org"] and "Rätta prognosen." in mail.outbox[0].body
    set_preferences(people.lkdata_head, reminders=True, notices=False)
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    silent = outbox(
        lambda: workflow.return_unit(
            people.lkdata, period_2020_08, actor=people.controller, comment="Igen."
        )
    )
    assert silent == []


def test_reminders_before_the_deadline_go_once_to_the_heads_of_units_not_handed_in(
    people, period_2020_08, outbox
):
    period_2020_08.deadline = datetime.date(2020, 9, 15)
    period_2020_08.save()
    workflow.submit_unit(people.kontakt, period_2020_08, actor=people.kontakt_head)
    too_early = outbox(lambda: send_reminders(datetime.date(2020, 9, 1)))
    assert too_early == []
    first = outbox(lambda: send_reminders(datetime.date(2020, 9, 13)))
    assert first == ["lkdata@example.org"]  # Kontakt Linköping is handed in
    assert outbox(lambda: send_reminders(datetime.date(2020, 9, 14))) == []  # once
    assert outbox(lambda: call_command("remind", stdout=open("/dev/null", "w"))) == []


def test_the_start_page_lists_what_to_do(people, period_2020_08, login):
    def listed(user):
        return [(t.what, t.period.key) for t in todos_of(user) if t.period == period_2020_08]

    assert listed(people.lkdata_head) == [("Fyll i och lämna in LKDATA", "2020-08")]
    workflow.submit_unit(people.lkdata, period_2020_08, actor=people.lkdata_head)
    assert listed(people.lkdata_head) == []
    assert listed(people.controller) == [("Granska LKDATA", "2020-08")]
    workflow.return_unit(people.lkdata, period_2020_08, actor=people.controller, comment="x")
    page = login(people.lkdata_head).get("/").content.decode()
    assert "LKDATA är återsänd: rätta och lämna in" in page
    assert todos_of(people.reader) == []

"""The histories beside the fields: several objects' histories read at once are each
object's own, newest first."""

import pytest

from tertial.audit.history import histories, history
from tertial.audit.log import record
from tertial.organisation.models import Unit

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
    assert [change.after for change in each[units[1].pk]] == ["3", "2", "1"]
    assert histories([]) == {}

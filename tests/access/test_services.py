"""Memberships change through the access service, each change logged."""

import pytest
from django.contrib.auth import get_user_model

from tertial.access.models import Membership
from tertial.access.rules import Action, can
from tertial.access.services import grant_role
from tertial.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_role_given_then_changed_is_logged_with_before_and_after(vss, people):
    user = get_user_model().objects.create_user("ny")
    grant_role(user, vss, Membership.Role.UNIT_HEAD, [people.lkdata], actor=people.admin)
    assert can(user, Action.EDIT_UNIT, people.lkdata)
    assert not can(user, Action.EDIT_UNIT, people.kontakt)
    grant_role(user, vss, Membership.Role.READER, actor=people.admin)
    # A user's rights are read once per request: the next request reads the new role.
    next_request = get_user_model().objects.get(pk=user.pk)
    assert not can(next_request, Action.EDIT_UNIT, people.lkdata)
    assert Membership.objects.filter(user=user).count() == 1
    first, second = AuditEntry.objects.filter(action="access.membership.granted").order_by("id")
    assert first.before is None and first.after == {
        "user": "ny",
        "role": "unit_head",
        "units": ["1800"],
    }
    assert second.before == first.after and second.after["role"] == "reader"
    assert second.actor == people.admin


def test_units_of_another_organisation_are_refused(vss, people):
    user = get_user_model().objects.create_user("ny")
    other_unit = people.outsider.memberships.get().organisation.units.create(code="9", name="X")
    with pytest.raises(ValueError):
        grant_role(user, vss, Membership.Role.UNIT_HEAD, [other_unit], actor=None)
    assert not Membership.objects.filter(user=user).exists()

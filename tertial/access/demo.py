"""Demo people for ``tertial demo``: one of each role in the example organisation.

The password is public on purpose (it is printed by the demo and written here); it is only
ever set by ``tertial demo`` on its own throw-away SQLite database, never in a deployment.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from tertial.access.models import Membership
from tertial.access.services import grant_role
from tertial.organisation.models import Organisation

DEMO_PASSWORD = "tertial-demo-2020"

Role = Membership.Role

# username, first name, last name, role, unit codes
DEMO_PEOPLE = [
    ("admin", "Ada", "Administratör", Role.ADMINISTRATOR, []),
    ("controller", "Carina", "Controller", Role.CONTROLLER, []),
    ("lkdata", "Lars", "LKDATA-chef", Role.UNIT_HEAD, ["1800"]),
    ("kontakt", "Karin", "Kontaktchef", Role.UNIT_HEAD, ["1500"]),
    ("chef", "Frida", "Förvaltningschef", Role.HEAD, []),
    ("lasare", "Leo", "Läsare", Role.READER, []),
]


def create_demo_users(organisation: Organisation) -> dict:
    """Create (or reset) the demo people; returns {"users": {role label: username},
    "password": DEMO_PASSWORD}."""
    User = get_user_model()
    users: dict[str, str] = {}
    with transaction.atomic():
        for username, first, last, role, unit_codes in DEMO_PEOPLE:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            # The administrator also reaches Django's admin pages (/admin/).
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.set_password(DEMO_PASSWORD)
            user.save()
            units = list(organisation.units.filter(code__in=unit_codes))
            grant_role(user, organisation, role, units, actor=None)
            label = str(Role(role).label)
            if units:
                label += " (" + ", ".join(unit.name for unit in units) + ")"
            users[label] = username
    return {"users": users, "password": DEMO_PASSWORD}

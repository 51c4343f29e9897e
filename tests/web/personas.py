"""People with each role in the example organisation, for the web, access and workflow tests."""

from django.contrib.auth import get_user_model

from tertial.access.models import Membership
from tertial.organisation.models import Organisation

Role = Membership.Role


def make_user(username: str, organisation: Organisation | None, role: str | None, units=()):
    # No password: tests log in with force_login, and hashing one costs a second.
    user = get_user_model().objects.create_user(username=username)
    if organisation is not None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        membership.units.set(units)
    return user


class Personas:
    def __init__(self, organisation: Organisation):
        units = {unit.code: unit for unit in organisation.units.all()}
        self.lkdata = units["1800"]
        self.kontakt = units["1500"]
        self.admin = make_user("admin", organisation, Role.ADMINISTRATOR)
        self.controller = make_user("controller", organisation, Role.CONTROLLER)
        self.head = make_user("chef", organisation, Role.HEAD)
        self.lkdata_head = make_user("lkdata", organisation, Role.UNIT_HEAD, [self.lkdata])
        self.kontakt_head = make_user("kontakt", organisation, Role.UNIT_HEAD, [self.kontakt])
        self.reader = make_user("lasare", organisation, Role.READER)
        other = Organisation.objects.create(
            slug="annan", name="Annan förvaltning", municipality="Linköping"
        )
        self.outsider = make_user("utomstaende", other, Role.CONTROLLER)

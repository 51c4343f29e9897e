"""The people of an organisation and their roles: invite someone, change or take a role.

Administrators and controllers manage people; only an administrator gives or takes the
administrator role (tertial.access.rules.may_grant). Every change is logged.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tertial.access import queries as access
from tertial.access.models import Membership
from tertial.access.rules import Action, get_period_for, may_grant
from tertial.access.services import grant_role, invite, revoke_role
from tertial.access.signin import roles_follow_groups
from tertial.audit.history import history
from tertial.web.forms import InviteForm, RoleForm
from tertial.web.views.common import done, member_action, member_page, page_context, refused


def _grantable(request: HttpRequest, organisation) -> list[str]:
    return [role for role in Membership.Role.values if may_grant(request.user, organisation, role)]


@member_page
def people_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.MANAGE_PEOPLE)
    return render_people(request, period)


def render_people(
    request: HttpRequest,
    period,
    *,
    invite_form: InviteForm | None = None,
    bound: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = period.fiscal_year.organisation
    roles = _grantable(request, organisation)
    bound = bound or {}
    people = []
    for membership in access.memberships_of(organisation):
        changeable = may_grant(request.user, organisation, membership.role)
        form = bound.get(membership.pk)
        if form is None and changeable:
            form = RoleForm(
                initial={"role": membership.role, "units": list(membership.units.all())},
                organisation=organisation,
                roles=roles,
                prefix=f"m{membership.pk}",
            )
        people.append(
            {
                "membership": membership,
                "form": form,
                "action": reverse(
                    "people_role", args=[organisation.slug, period.key, membership.pk]
                ),
                "remove_action": reverse(
                    "people_remove", args=[organisation.slug, period.key, membership.pk]
                ),
                "history": history(membership),
            }
        )
    context = page_context(request, period, "people")
    context.update(
        {
            "people": people,
            "roles_follow_groups": roles_follow_groups(organisation),
            "invite_form": invite_form
            or InviteForm(organisation=organisation, roles=roles, prefix="invite"),
        }
    )
    return render(request, "web/people.html", context, status=status)


@member_action("people")
def invite_person(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.MANAGE_PEOPLE)
    organisation = period.fiscal_year.organisation
    form = InviteForm(
        request.POST, organisation=organisation, roles=_grantable(request, organisation),
        prefix="invite",
    )  # fmt: skip
    if not form.is_valid():
        return render_people(request, period, invite_form=form, status=400)
    data = form.cleaned_data
    user, created = invite(
        organisation,
        data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        role=data["role"],
        units=data["units"],
        actor=request.user,
    )
    if created:
        return done(request, _("%(email)s är inbjuden och får ett e-brev.") % data)
    return done(request, _("%(email)s har fått rollen.") % data)


def _membership(request: HttpRequest, slug: str, key: str, pk: int):
    period = get_period_for(request, slug, key, Action.MANAGE_PEOPLE)
    membership = access.membership_of(period.fiscal_year.organisation, pk)
    if membership is None:
        raise Http404
    return period, membership


@member_action("people")
def change_role(request: HttpRequest, slug: str, key: str, membership: int) -> HttpResponse:
    period, found = _membership(request, slug, key, membership)
    organisation = period.fiscal_year.organisation
    if not may_grant(request.user, organisation, found.role):
        return refused(request, _("Bara en administratör ändrar en administratörs roll."))
    form = RoleForm(
        request.POST, organisation=organisation, roles=_grantable(request, organisation),
        prefix=f"m{found.pk}",
    )  # fmt: skip
    if not form.is_valid():
        return render_people(request, period, bound={found.pk: form}, status=400)
    grant_role(
        found.user, organisation, form.cleaned_data["role"], form.cleaned_data["units"],
        actor=request.user,
    )  # fmt: skip
    return done(request, _("Rollen är ändrad."))


@member_action("people")
def remove_role(request: HttpRequest, slug: str, key: str, membership: int) -> HttpResponse:
    period, found = _membership(request, slug, key, membership)
    if not may_grant(request.user, period.fiscal_year.organisation, found.role):
        return refused(request, _("Bara en administratör tar en administratörs roll."))
    if found.user_id == request.user.pk:
        return refused(request, _("Du kan inte ta din egen roll."))
    revoke_role(found, actor=request.user)
    return done(request, _("Rollen är borttagen."))

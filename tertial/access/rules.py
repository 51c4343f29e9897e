"""Every right in one module: what each role may do, asked the same way by every view.

``can(user, action, obj)`` decides for one object; Django's permission API asks it
(``user.has_perm(permission(action), obj)``, tertial.access.backends), which is how views and
templates ask. ``restrict(queryset, user, action)`` narrows a queryset to what the user may
act on, and the ``get_*_for`` helpers fetch an object for a view, answering 404 when the
object lies outside the user's organisations (so that nothing about other organisations
leaks) and 403 when it is visible but the action is not allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from tertial.access.models import Membership
from tertial.goals.models import BoardGoal, Indicator
from tertial.narrative.models import NarrativeSection, PlanFollowUp
from tertial.organisation.models import Organisation, Period, Unit
from tertial.platform import cache

Role = Membership.Role


class Action(StrEnum):
    VIEW = "view"  # the organisation's pages and drafts
    EDIT_UNIT = "unit.edit"  # a unit's forecast and comment
    SUBMIT_UNIT = "unit.submit"
    REVIEW_UNIT = "unit.review"  # return or approve a unit's submission
    ASSESS_GOAL = "goal.assess"
    EDIT_INDICATOR = "indicator.edit"
    EDIT_TEXTS = "texts.edit"  # narrative sections, decisions and events
    IMPORT = "import.run"
    MANAGE_PERIOD = "period.manage"  # deadlines
    APPROVE_REPORT = "report.approve"
    PUBLISH_REPORT = "report.publish"
    UNLOCK_PERIOD = "period.unlock"
    MANAGE_PEOPLE = "people.manage"  # invite people, give and take roles


PERMISSION_PREFIX = "tertial."


def permission(action: Action | str) -> str:
    """The name Django's permission API knows an action by: "tertial.unit.edit"."""
    return PERMISSION_PREFIX + Action(action).value


# Actions a role may take anywhere in its organisation.
_CONTROLLER = {
    Action.VIEW,
    Action.EDIT_UNIT,
    Action.SUBMIT_UNIT,
    Action.REVIEW_UNIT,
    Action.ASSESS_GOAL,
    Action.EDIT_INDICATOR,
    Action.EDIT_TEXTS,
    Action.IMPORT,
    Action.MANAGE_PERIOD,
    Action.MANAGE_PEOPLE,
}
ORGANISATION_WIDE: dict[str, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(_CONTROLLER | {Action.UNLOCK_PERIOD}),
    Role.CONTROLLER: frozenset(_CONTROLLER),
    Role.HEAD: frozenset(
        {Action.VIEW, Action.EDIT_TEXTS, Action.APPROVE_REPORT, Action.PUBLISH_REPORT}
    ),
    Role.UNIT_HEAD: frozenset({Action.VIEW}),
    Role.READER: frozenset({Action.VIEW}),
}
# Actions a unit head may take on the units given to them (and what hangs on those units:
# their goals and indicators, and the texts a controller gave their unit to write).
UNIT_SCOPED = frozenset(
    {
        Action.EDIT_UNIT,
        Action.SUBMIT_UNIT,
        Action.ASSESS_GOAL,
        Action.EDIT_INDICATOR,
        Action.EDIT_TEXTS,
    }
)


@dataclass(frozen=True)
class Grant:
    role: str
    unit_ids: frozenset[int]


def grants(user) -> Mapping[int, Grant]:
    """The user's role per organisation id: read once per request and kept on the user for it.

    Not kept across requests: a user's memberships span organisations, and no one version
    covers them all."""
    if not user.is_authenticated or not user.is_active:
        return {}
    read = getattr(user, "_tertial_grants", None)
    if read is None:
        read = user._tertial_grants = _read_grants(user)
    return read


def _read_grants(user) -> Mapping[int, Grant]:
    result: dict[int, Grant] = {}
    if user.is_superuser:
        result = {
            pk: Grant(Role.ADMINISTRATOR, frozenset())
            for pk in Organisation.objects.values_list("pk", flat=True)
        }
    # One query, on every request: a row per membership and unit (unit None without units).
    roles: dict[int, str] = {}
    units: dict[int, set[int]] = {}
    for organisation_id, role, unit_id in Membership.objects.filter(user=user).values_list(
        "organisation_id", "role", "units"
    ):
        roles[organisation_id] = role
        units.setdefault(organisation_id, set())
        if unit_id is not None:
            units[organisation_id].add(unit_id)
    for organisation_id, role in roles.items():
        result[organisation_id] = Grant(role, frozenset(units[organisation_id]))
    return MappingProxyType(result)  # shared by the request's callers: read only


def organisation_id_of(obj: Model) -> int:
    """The id of the organisation an object belongs to, without fetching the organisation."""
    if isinstance(obj, Organisation):
        return obj.pk
    if isinstance(obj, Period | BoardGoal):
        return obj.fiscal_year.organisation_id
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    if hasattr(obj, "period"):
        return obj.period.fiscal_year.organisation_id
    raise TypeError(f"no organisation for {type(obj).__name__}")


def _unit_ids_of(obj: Model) -> set[int]:
    """The units an object hangs on, for unit heads' scoped rights."""
    if isinstance(obj, Unit):
        return {obj.pk}
    if isinstance(obj, BoardGoal):
        return set(obj.responsible_units.values_list("pk", flat=True))
    if isinstance(obj, NarrativeSection | PlanFollowUp):
        return {obj.unit_id} if obj.unit_id else set()
    if isinstance(obj, Indicator):
        ids = {obj.unit_id} if obj.unit_id else set()
        if obj.parent_id and obj.parent.unit_id:
            ids.add(obj.parent.unit_id)
        ids |= set(
            BoardGoal.responsible_units.through.objects.filter(
                boardgoal__indicators=obj
            ).values_list("unit_id", flat=True)
        )
        return ids
    return set()


def can(user, action: Action | str, obj: Model) -> bool:
    action = Action(action)
    grant = grants(user).get(organisation_id_of(obj))
    if grant is None:
        return False
    if action in ORGANISATION_WIDE[grant.role]:
        return True
    if grant.role == Role.UNIT_HEAD and action in UNIT_SCOPED:
        return bool(grant.unit_ids & _unit_ids_of(obj))
    return False


def restrict(queryset: QuerySet, user, action: Action | str) -> QuerySet:
    """The objects of ``queryset`` the user may take ``action`` on."""
    action = Action(action)
    model = queryset.model
    org_path = {
        Organisation: "pk",
        Unit: "organisation",
        Indicator: "organisation",
        Period: "fiscal_year__organisation",
        BoardGoal: "fiscal_year__organisation",
    }.get(model)
    if org_path is None:
        raise TypeError(f"restrict() does not know {model.__name__}")
    wide: list[int] = []
    scoped: set[int] = set()
    for org_id, grant in grants(user).items():
        if action in ORGANISATION_WIDE[grant.role]:
            wide.append(org_id)
        elif grant.role == Role.UNIT_HEAD and action in UNIT_SCOPED:
            scoped |= grant.unit_ids
    condition = Q(**{f"{org_path}__in": wide})
    if scoped:
        if model is Unit:
            condition |= Q(pk__in=scoped)
        elif model is BoardGoal:
            condition |= Q(responsible_units__in=scoped)
        elif model is Indicator:
            condition |= (
                Q(unit__in=scoped)
                | Q(parent__unit__in=scoped)
                | Q(board_goals__responsible_units__in=scoped)
            )
    return queryset.filter(condition).distinct()


def answers_for(user, obj: Model) -> bool:
    """Whether ``user`` is a unit head answering for ``obj`` (a unit, or a goal or indicator
    of their units): what is theirs to do, not only what they may do."""
    grant = grants(user).get(organisation_id_of(obj))
    return bool(grant and grant.role == Role.UNIT_HEAD and grant.unit_ids & _unit_ids_of(obj))


def may_grant(user, organisation: Organisation, role: str) -> bool:
    """Whether ``user`` may give or take ``role`` in ``organisation``: whoever manages people
    there, but the administrator role only an administrator (or a superuser)."""
    if not can(user, Action.MANAGE_PEOPLE, organisation):
        return False
    if role != Role.ADMINISTRATOR:
        return True
    grant = grants(user).get(organisation.pk)
    return user.is_superuser or (grant is not None and grant.role == Role.ADMINISTRATOR)


def allowed(request: HttpRequest, action: Action | str, obj: Model) -> bool:
    """Whether the request's user may take the action on the object."""
    return request.user.has_perm(permission(action), obj)


def require(request: HttpRequest, action: Action | str, obj: Model) -> None:
    """Refuse the request unless the user may take the action on the object."""
    if not allowed(request, action, obj):
        raise PermissionDenied


def _check(request: HttpRequest, obj: Model, action: Action | str) -> Model:
    if organisation_id_of(obj) not in grants(request.user):
        raise Http404
    require(request, action, obj)
    return obj


def _fetch(organisation_id: int, kept_as: tuple, queryset: QuerySet, /, **lookup) -> Model:
    """The one object of ``queryset`` matching ``lookup``, or 404. Kept under its
    organisation's cache version (each caller gets a copy of its own), as the pages ask for
    the same few again and again; whoever asks, the rights are checked on every request."""
    found = cache.cached_copy(organisation_id, kept_as, lambda: queryset.filter(**lookup).first())
    if found is None:
        raise Http404
    return found


def get_organisation_for(
    request: HttpRequest, slug: str, action: Action | str = Action.VIEW
) -> Organisation:
    organisation = get_object_or_404(Organisation.objects, slug=slug)
    return _check(request, organisation, action)


def get_period_for(
    request: HttpRequest, slug: str, key: str, action: Action | str = Action.VIEW
) -> Period:
    # The organisation's id and cache versions in one query.
    organisation_id = cache.find_organisation_id(Organisation.objects.filter(slug=slug))
    if organisation_id is None:
        raise Http404
    period = _fetch(
        organisation_id,
        ("access.period", key),
        Period.objects.select_related("fiscal_year__organisation"),
        fiscal_year__organisation_id=organisation_id,
        key=key,
    )
    return _check(request, period, action)


def get_unit_for(
    request: HttpRequest, period: Period, pk: int, action: Action | str = Action.VIEW
) -> Unit:
    organisation_id = period.fiscal_year.organisation_id
    unit = _fetch(
        organisation_id,
        ("access.unit", pk),
        Unit.objects.select_related("organisation"),
        pk=pk,
        organisation_id=organisation_id,
    )
    return _check(request, unit, action)


def get_goal_for(
    request: HttpRequest, period: Period, pk: int, action: Action | str = Action.VIEW
) -> BoardGoal:
    goal = _fetch(
        period.fiscal_year.organisation_id,
        ("access.goal", period.fiscal_year_id, pk),
        BoardGoal.objects.select_related("fiscal_year__organisation", "council_goal__perspective"),
        pk=pk,
        fiscal_year_id=period.fiscal_year_id,
    )
    return _check(request, goal, action)


def get_indicator_for(
    request: HttpRequest, period: Period, pk: int, action: Action | str = Action.VIEW
) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("organisation", "parent"),
        pk=pk,
        organisation_id=period.fiscal_year.organisation_id,
    )
    return _check(request, indicator, action)

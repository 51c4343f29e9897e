"""Who a single sign-on signs in: the account bound to the provider's issuer and subject.

The first sign-in of a person finds their account one of two ways only: by their verified
e-mail address when the deployment allows linking (``TERTIAL_OIDC_LINK_BY_EMAIL``), never
for a superuser or staff account; or by being created, when the organisation's mapping of
the provider's groups to roles (``TERTIAL_OIDC_ROLES_FILE``) gives them a role. At each
sign-in names and a verified address are taken from the claims, and in each organisation the
mapping names, the role follows the groups: given, changed or taken, each through the access
services so that it is in the change log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from tertial.access.models import Membership, SignInIdentity
from tertial.access.oidc import SignInError, config
from tertial.access.services import grant_role, revoke_role
from tertial.audit.log import record
from tertial.organisation.models import Organisation, Unit

log = logging.getLogger(__name__)

MAX_GROUPS = 1000
SYNC_REASON = "grupper från kommunens inloggning"


@dataclass(frozen=True)
class RoleRule:
    group: str
    role: str
    units: tuple[str, ...]


def parse_role_rules(text: str, source: str) -> dict[str, list[RoleRule]]:
    """The rules of a roles file: for each organisation (by its slug) a list of groups and
    the role each gives, the first group a person is in deciding."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ImproperlyConfigured(f"{source}: not YAML ({error})") from error
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{source}: expected organisations (slug: list of groups)")
    rules: dict[str, list[RoleRule]] = {}
    roles = {role.value for role in Membership.Role}
    for slug, entries in data.items():
        if not isinstance(entries, list):
            raise ImproperlyConfigured(f"{source}: {slug}: expected a list of groups")
        rules[str(slug)] = []
        for number, entry in enumerate(entries, start=1):
            where = f"{source}: {slug}, group {number}"
            if not isinstance(entry, dict) or not isinstance(entry.get("group"), str):
                raise ImproperlyConfigured(f"{where}: expected group: and role:")
            if entry.get("role") not in roles:
                raise ImproperlyConfigured(
                    f"{where}: role must be one of {', '.join(sorted(roles))}"
                )
            units = entry.get("units") or []
            if not isinstance(units, list) or not all(isinstance(u, str | int) for u in units):
                raise ImproperlyConfigured(f"{where}: units must be a list of unit codes")
            unknown = set(entry) - {"group", "role", "units"}
            if unknown:
                raise ImproperlyConfigured(f"{where}: unknown field {sorted(unknown)[0]}")
            rules[str(slug)].append(
                RoleRule(entry["group"], entry["role"], tuple(str(u) for u in units))
            )
    return rules


_rules_cache: dict[tuple[str, float], dict[str, list[RoleRule]]] = {}


def role_rules() -> dict[str, list[RoleRule]]:
    """The configured mapping of groups to roles (read again when the file changes)."""
    conf = config()
    name = conf["ROLES_FILE"] if conf else ""
    if not name:
        return {}
    path = Path(name)
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as error:
        raise ImproperlyConfigured(f"TERTIAL_OIDC_ROLES_FILE: {name} cannot be read") from error
    if key not in _rules_cache:
        _rules_cache.clear()
        _rules_cache[key] = parse_role_rules(path.read_text(encoding="utf-8"), name)
    return _rules_cache[key]


def roles_follow_groups(organisation: Organisation) -> bool:
    """Whether the roles file names ``organisation``, so that its roles follow the provider's
    groups at each sign-in (and a role changed by hand is changed back then)."""
    try:
        return organisation.slug in role_rules()
    except ImproperlyConfigured:
        return False


def _groups(claims: dict) -> set[str]:
    value = claims.get(config()["GROUPS_CLAIM"]) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return set()
    return {str(group)[:500] for group in value[:MAX_GROUPS]}


def _groups_left_out(claims: dict) -> bool:
    names = claims.get("_claim_names")
    return isinstance(names, dict) and config()["GROUPS_CLAIM"] in names


def _wanted_roles(groups: set[str]) -> dict[Organisation, tuple[str, list[Unit]] | None]:
    """For each organisation the mapping names (and that exists), the role the groups give
    there with its units, or None for none."""
    wanted: dict[Organisation, tuple[str, list[Unit]] | None] = {}
    rules = role_rules()
    organisations = Organisation.objects.in_bulk(list(rules), field_name="slug")
    for slug, organisation_rules in rules.items():
        organisation = organisations.get(slug)
        if organisation is None:
            log.warning("TERTIAL_OIDC_ROLES_FILE names organisation %r, which does not exist", slug)
            continue
        matching = [rule for rule in organisation_rules if rule.group in groups]
        if not matching:
            wanted[organisation] = None
            continue
        role = matching[0].role
        codes = {code for rule in matching if rule.role == role for code in rule.units}
        units = list(Unit.objects.filter(organisation=organisation, code__in=codes))
        wanted[organisation] = (role, units)
    return wanted


def _follow_groups(user, wanted) -> None:
    for organisation, role_units in wanted.items():
        membership = (
            Membership.objects.filter(user=user, organisation=organisation)
            .prefetch_related("units")
            .first()
        )
        if role_units is None:
            if membership is not None:
                revoke_role(membership, actor=None, reason=SYNC_REASON)
            continue
        role, units = role_units
        if (
            membership is None
            or membership.role != role
            or {u.pk for u in membership.units.all()} != {u.pk for u in units}
        ):
            grant_role(user, organisation, role, units, actor=None, reason=SYNC_REASON)


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    if claims.get("email_verified") is True and isinstance(email, str) and "@" in email:
        return email.strip().lower()[:254]
    return ""


def _names(claims: dict) -> tuple[str, str]:
    first, last = claims.get("given_name"), claims.get("family_name")
    if not isinstance(first, str) and not isinstance(last, str):
        name = claims.get("name")
        if isinstance(name, str) and name.strip():
            first, _, last = name.strip().rpartition(" ")
            if not first:
                first, last = last, ""
    first = first if isinstance(first, str) else ""
    last = last if isinstance(last, str) else ""
    return first.strip()[:150], last.strip()[:150]


def _free_username(claims: dict, email: str) -> str:
    User = get_user_model()
    preferred = claims.get("preferred_username")
    candidates = [c for c in (preferred, email, f"sso-{claims['sub']}") if isinstance(c, str)]
    base = next(c.strip()[:140] for c in candidates if c.strip())
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _link_by_email(email: str, issuer: str):
    if not config()["LINK_BY_EMAIL"] or not email:
        return None
    found = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if len(found) != 1:
        return None
    user = found[0]
    if user.is_superuser or user.is_staff:
        log.warning("single sign-on: an administrator account is never linked by e-mail")
        return None
    if SignInIdentity.objects.filter(user=user, issuer=issuer).exists():
        return None
    return user


def account_for(claims: dict, issuer: str):
    """The active account the provider's checked ``claims`` sign in, linked or created as
    above and with names and roles brought up to date; raises SignInError otherwise."""
    subject = str(claims["sub"])[:255]
    email = _verified_email(claims)
    first, last = _names(claims)
    User = get_user_model()
    with transaction.atomic():
        identity = (
            SignInIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        try:
            wanted = _wanted_roles(_groups(claims))
        except ImproperlyConfigured as error:
            raise SignInError("provider_misconfigured", str(error)) from error
        if _groups_left_out(claims):
            # Too many groups for the token (Entra ID's "overage"): which ones is unknown,
            # so no role is given or taken on this sign-in.
            log.warning("single sign-on: the groups were left out of the token (overage)")
            wanted = {}
        if identity is not None:
            user = identity.user
            how = "known"
        else:
            user = _link_by_email(email, issuer)
            how = "linked"
            if user is None:
                if email and User.objects.filter(email__iexact=email).exists():
                    raise SignInError("not_linked", "an account has this address; not linked")
                if not any(wanted.values()):
                    raise SignInError("no_account", "no account and no role from the groups")
                user = User(username=_free_username(claims, email), email=email)
                user.set_unusable_password()
                user.save()
                how = "created"
            identity = SignInIdentity(user=user, issuer=issuer, subject=subject)
        if not user.is_active:
            raise SignInError("inactive", f"account {user.pk} is inactive")
        changed = []
        for field, value in (("first_name", first), ("last_name", last), ("email", email)):
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        identity.email = email or identity.email
        identity.last_sign_in_at = timezone.now()
        identity.save()
        if how != "known":
            record(
                f"access.identity.{how}",
                obj=identity,
                after={"user": user.get_username(), "issuer": issuer, "email": email},
                reason=SYNC_REASON if how == "created" else "verifierad e-postadress",
            )
        _follow_groups(user, wanted)
    log.info("single sign-on: account %s signed in (%s)", user.pk, how)
    return user

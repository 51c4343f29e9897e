"""What the pages and actions of the follow-up share.

A page answers GET and shows its forms; each form posts to an action of its own (one URL, one
view), which saves through a domain service and sends the person back to the page, or shows
the page again with what was wrong. ``save_form`` is the one way an action saves a form that
someone else may have saved meanwhile, ``member_page`` and ``member_action`` the way both
answer people who are not signed in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tertial.access.rules import Action, allowed
from tertial.core.errors import Refused, StaleVersion
from tertial.organisation.models import Period
from tertial.platform import cache
from tertial.web import stash
from tertial.workflow import services as workflow
from tertial.workflow.models import ReportApproval, UnitSubmission

# The parameters a page's URL is made of; an action's URL adds parameters of its own names.
PAGE_PARAMETERS = ("slug", "key", "pk")


def member_page(view):
    """A page for signed-in members: anyone else is sent to sign in and back."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, **kwargs)

    return wrapper


def member_action(page: str):
    """An action posted from a form of the page named ``page``.

    A post that arrives after the person's session expired is kept for that page and the
    person is sent to sign in and back to it (tertial.web.stash); the view finds the page's
    address in ``request.page_url``. A GET (the address bar after a form was shown again
    with its errors, reloaded or bookmarked) is sent to the page.
    """

    def decorator(view):
        @require_http_methods(["GET", "HEAD", "POST"])
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs):
            request.page_url = reverse(
                page, kwargs={name: kwargs[name] for name in PAGE_PARAMETERS if name in kwargs}
            )
            if request.method != "POST":
                return redirect(request.page_url)
            if not request.user.is_authenticated:
                stash.keep(request, request.page_url, kwargs.get("slug"), kwargs.get("key"))
                return redirect_to_login(request.page_url)
            return view(request, **kwargs)

        return wrapper

    return decorator


def page_context(
    request: HttpRequest, period: Period, nav: str, approval: ReportApproval | None = None
) -> dict:
    """What every page of a period shows around its own content."""
    organisation = period.fiscal_year.organisation
    return {
        "organisation": organisation,
        "period": period,
        "nav": nav,
        "can_view": True,
        "can_import": allowed(request, Action.IMPORT, organisation),
        "can_manage_people": allowed(request, Action.MANAGE_PEOPLE, organisation),
        "approval": approval or approval_of(period),
    }


def approval_of(period: Period) -> ReportApproval:
    """The period's report approval: every page shows its state; kept per cache version."""
    return cache.cached_copy(
        period.fiscal_year.organisation_id,
        ("workflow.approval", period.pk),
        lambda: workflow.approval_for(period),
    )


def submission_of(unit, period: Period) -> UnitSubmission:
    """The unit's submission, kept per cache version."""
    return cache.cached_copy(
        period.fiscal_year.organisation_id,
        ("workflow.submission", period.pk, unit.pk),
        lambda: workflow.submission_for(unit, period),
    )


def unit_open_to(request: HttpRequest, unit, period: Period, submission: UnitSubmission) -> bool:
    """Whether the person may change the unit's figures and values now: the state allows it
    (workflow) for someone with the person's rights (access)."""
    return workflow.unit_open(
        period, submission, reviewer=allowed(request, Action.REVIEW_UNIT, unit)
    )


def form_html(form: forms.Form | None, period: Period, key: tuple, from_data: bool) -> str:
    """The form's fields as HTML. A form filled from the data alone (not posted, not restored
    after a log-out) is the same for everyone who may edit, and rendering Django's form
    templates costs milliseconds per form: it is kept per cache version of the organisation."""
    if form is None:
        return ""
    if from_data:
        return cache.cached(period.fiscal_year.organisation_id, key, form.as_div)
    return form.as_div()


def done(request: HttpRequest, message: str) -> HttpResponse:
    """After a successful action: say so and show its page again with a fresh GET."""
    messages.success(request, message)
    return redirect(request.page_url)


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """An action the state does not allow now: say why on its page."""
    messages.error(request, message)
    return redirect(request.page_url)


def transition(request: HttpRequest, change: Callable[[], object], message: str) -> HttpResponse:
    """An action that moves something to another state: ``change()`` through a service, then
    the page again with ``message``, or with why the state did not allow it."""
    try:
        change()
    except Refused as error:
        return refused(request, " ".join([str(error), *error.details]))
    return done(request, message)


@dataclass(frozen=True)
class Conflict:
    """Two versions side by side: the one saved meanwhile and the one just typed."""

    theirs: str
    who: object  # the person who saved theirs, or None
    when: datetime.datetime | None
    mine: str


@dataclass
class Outcome:
    """What became of a posted form: a redirect when it was saved, else the form to show
    again, with the conflict that kept it from being saved, and the status to answer."""

    response: HttpResponse | None
    form: forms.Form | None = None
    conflict: Conflict | None = None
    status: int = 200


def conflict_with(current, theirs: str, mine: str) -> Conflict:
    """The conflict with ``current``: a saved row, several rows saved together (by key), or
    None when the row has gone."""
    rows = current.values() if isinstance(current, dict) else [current]
    latest = max((row for row in rows if row is not None), key=lambda r: r.updated_at, default=None)
    return Conflict(
        theirs,
        latest.updated_by if latest else None,
        latest.updated_at if latest else None,
        mine,
    )


def save_form(
    request: HttpRequest,
    make_form: Callable[..., forms.Form],
    save: Callable[[dict], object],
    *,
    saved: str,
    conflict: Callable[[StaleVersion, dict], Conflict],
) -> Outcome:
    """The one way an action saves a form that someone else may have saved meanwhile.

    ``make_form(data=…)`` or ``make_form(initial=…)`` builds the form, ``save(cleaned_data)``
    saves it through a domain service. A saved form sends the person back to the page with
    the message ``saved``; one the domain refuses shows its reason on the form (400); one based
    on an older version than the saved one shows both versions (``conflict``) and is based
    anew on the newer one, so that saving again is a deliberate overwrite (409).
    """
    form = make_form(data=request.POST)
    if not form.is_valid():
        return Outcome(None, form, status=400)
    try:
        save(form.cleaned_data)
    except StaleVersion as stale:
        rebased = make_form(initial={**request.POST.dict(), "base_version": stale.version})
        return Outcome(None, rebased, conflict(stale, form.cleaned_data), status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return Outcome(None, form, status=400)
    except Refused as error:
        form.add_error(None, " ".join([str(error), *error.details]))
        return Outcome(None, form, status=400)
    return Outcome(done(request, saved))


def restored(request: HttpRequest) -> dict | None:
    """What the person typed on this page before the session expired, once, with a note."""
    kept = stash.take(request)
    if kept:
        messages.warning(
            request,
            _(
                "Du blev utloggad innan det du skrev sparades. Texten är återställd nedan: "
                "kontrollera den och spara igen."
            ),
        )
    return kept


def is_restored(kept: dict | None, form_key: str) -> bool:
    return bool(kept and kept.get("form") == form_key)


def initial_or_restored(kept: dict | None, form_key: str, initial: dict) -> dict:
    """A form's fields from the data, or as the person typed them before signing in again."""
    return kept if is_restored(kept, form_key) else initial

"""The report page (preview, checks, downloads, editions, approval) and the public page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tertial.access.rules import Action, can, get_period_for, require
from tertial.organisation.models import Organisation, Period
from tertial.reports.build import build_report
from tertial.reports.html import render_html
from tertial.web.forms import UnlockForm
from tertial.web.history import audited
from tertial.web.stash import login_required_keep_post
from tertial.web.views import page_context
from tertial.workflow import services as workflow
from tertial.workflow.models import ReportApproval

TRANSITIONS = {
    "approve": Action.APPROVE_REPORT,
    "publish": Action.PUBLISH_REPORT,
    "unlock": Action.UNLOCK_PERIOD,
}


@login_required_keep_post
def report_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key)
    unlock_form = UnlockForm()
    if request.method == "POST":
        name = request.POST.get("form", "")
        if name not in TRANSITIONS:
            return HttpResponse(status=400)
        require(request, TRANSITIONS[name], period)
        try:
            if name == "approve":
                workflow.approve_report(period, actor=request.user)
                message = _("Rapporten är godkänd och perioden låst.")
            elif name == "publish":
                workflow.publish_report(period, actor=request.user)
                message = _("Rapporten är publicerad.")
            else:
                unlock_form = UnlockForm(request.POST)
                if not unlock_form.is_valid():
                    raise workflow.WorkflowError(_("Ange varför perioden låses upp."))
                workflow.unlock_period(
                    period, actor=request.user, reason=unlock_form.cleaned_data["reason"]
                )
                message = _("Perioden är upplåst.")
        except workflow.WorkflowError as error:
            messages.error(request, " ".join([str(error), *error.details]))
            return redirect(request.path, permanent=False)
        messages.success(request, message)
        return redirect(request.path, permanent=False)

    approval = workflow.approval_for(period)
    context = page_context(request, period, "report")
    context.update(
        {
            "preview": render_html(build_report(period), standalone=False),
            "can_approve": can(request.user, Action.APPROVE_REPORT, period)
            and approval.state == ReportApproval.State.DRAFT,
            "can_publish": can(request.user, Action.PUBLISH_REPORT, period)
            and approval.state == ReportApproval.State.APPROVED,
            "can_unlock": can(request.user, Action.UNLOCK_PERIOD, period) and period.is_locked,
            "unlock_form": unlock_form,
            "pending_units": workflow.units_not_approved(period),
            "period_history": audited(period),
        }
    )
    return render(request, "web/report.html", context)


@login_required_keep_post
def download(request: HttpRequest, slug: str, key: str, fmt: str) -> HttpResponse:
    get_period_for(request, slug, key)
    raise Http404


@login_required_keep_post
def imports_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    return render(request, "web/imports.html", page_context(request, period, "imports"))


def _published_periods(organisation: Organisation):
    return (
        Period.objects.filter(
            fiscal_year__organisation=organisation,
            approval__state=ReportApproval.State.PUBLISHED,
        )
        .select_related("fiscal_year", "approval")
        .order_by("-fiscal_year__year", "-end_month")
    )


def public_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's published reports, readable without logging in."""
    organisation = get_object_or_404(Organisation, slug=slug)
    periods = _published_periods(organisation)
    if not periods:
        raise Http404
    return render(
        request, "web/public.html", {"public_organisation": organisation, "periods": periods}
    )


def public_report(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    period = _published_periods(organisation).filter(key=key).first()
    if period is None:
        raise Http404
    return render(
        request,
        "web/public_report.html",
        {
            "public_organisation": organisation,
            "public_period": period,
            "report_html": render_html(build_report(period), standalone=False),
        },
    )

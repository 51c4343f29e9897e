"""The report page (preview, checks, downloads, editions, approval) and the public page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tertial.access.rules import Action, can, get_period_for, require
from tertial.audit.history import history
from tertial.organisation.models import Organisation, Period
from tertial.reports import services as report_services
from tertial.reports.build import build_report
from tertial.reports.checks import run_checks
from tertial.reports.editions import (
    diff_editions,
    edition_report,
    freeze_edition,
    latest_edition,
    published_report,
)
from tertial.reports.html import render_html
from tertial.web.forms import UnlockForm
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
                workflow.approve_report(period, actor=request.user, freeze=freeze_edition)
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
    report, edition = published_report(period)
    context = page_context(request, period, "report")
    context.update(
        {
            "preview": render_html(report, standalone=False),
            "edition": edition,
            "findings": [] if edition else run_checks(period, report),
            "editions": period.report_editions.select_related("created_by").order_by("-number"),
            "formats": report_services.FORMATS,
            "can_approve": can(request.user, Action.APPROVE_REPORT, period)
            and approval.state == ReportApproval.State.DRAFT,
            "can_publish": can(request.user, Action.PUBLISH_REPORT, period)
            and approval.state == ReportApproval.State.APPROVED,
            "can_unlock": can(request.user, Action.UNLOCK_PERIOD, period) and period.is_locked,
            "unlock_form": unlock_form,
            "pending_units": workflow.units_not_approved(period),
            "period_history": history(period),
        }
    )
    return render(request, "web/report.html", context)


@login_required_keep_post
def download(request: HttpRequest, slug: str, key: str, fmt: str) -> HttpResponse:
    """The report in one format: a locked period's frozen edition, else as the data are now;
    ``?edition=N`` asks for an earlier edition."""
    period = get_period_for(request, slug, key)
    if fmt not in report_services.FORMATS:
        raise Http404
    number = request.GET.get("edition")
    if number:
        edition = get_object_or_404(period.report_editions, number=_number(number))
    else:
        edition = latest_edition(period) if period.is_locked else None
    if edition is not None:
        data = report_services.edition_file(edition, fmt)
        name = f"{period.organisation.slug}-{period.key}-utgava-{edition.number}.{fmt}"
    else:
        data = report_services.render(
            build_report(period), fmt, template=report_services.word_template(period)
        )
        name = f"{period.organisation.slug}-{period.key}-utkast.{fmt}"
    response = HttpResponse(data, content_type=report_services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404 from None


@login_required_keep_post
def edition_diff(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """What changed between two editions: figures (table, row, column) and texts."""
    period = get_period_for(request, slug, key)
    old = get_object_or_404(period.report_editions, number=_number(request.GET.get("a", "")))
    new = get_object_or_404(period.report_editions, number=_number(request.GET.get("b", "")))
    context = page_context(request, period, "report")
    context["diff"] = diff_editions(old, new)
    return render(request, "web/edition_diff.html", context)


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
    """A published report, always from its frozen edition."""
    organisation = get_object_or_404(Organisation, slug=slug)
    period = _published_periods(organisation).filter(key=key).first()
    edition = latest_edition(period) if period else None
    if edition is None:
        raise Http404
    return render(
        request,
        "web/public_report.html",
        {
            "public_organisation": organisation,
            "public_period": period,
            "edition": edition,
            "report_html": render_html(edition_report(edition), standalone=False),
        },
    )

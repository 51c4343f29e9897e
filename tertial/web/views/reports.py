"""The report page (preview, checks, downloads, editions, approval) and the public page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from tertial.access.rules import Action, allowed, get_period_for
from tertial.audit.history import history
from tertial.core.errors import Refused
from tertial.organisation.queries import organisation_by_slug
from tertial.reports import services as report_services
from tertial.reports.build import build_report
from tertial.reports.checks import run_checks
from tertial.reports.editions import (
    diff_editions,
    edition_report,
    latest_edition,
    published_edition,
    published_report,
    stored_file,
    stored_formats,
)
from tertial.reports.html import render_html
from tertial.reports.services import ConfirmationNeeded, findings_fingerprint
from tertial.reports.tasks import store_edition_files
from tertial.web.forms import UnlockForm
from tertial.web.views.common import (
    done,
    member_action,
    member_page,
    page_context,
    refused,
    transition,
)
from tertial.workflow import services as workflow
from tertial.workflow.models import ReportApproval
from tertial.workflow.queries import published_periods


@member_page
def report_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_report(request, get_period_for(request, slug, key))


def render_report(
    request: HttpRequest, period, *, unlock_form: UnlockForm | None = None, status: int = 200
) -> HttpResponse:
    approval = workflow.approval_for(period)
    report, edition = published_report(period, working_copy=True)
    findings = [] if edition else run_checks(period, report)
    context = page_context(request, period, "report")
    context.update(
        {
            "preview": render_html(report, standalone=False),
            "edition": edition,
            "findings": findings,
            "findings_fingerprint": findings_fingerprint(findings),
            "editions": period.report_editions.select_related("created_by").order_by("-number"),
            "formats": report_services.FORMATS,
            "can_approve": allowed(request, Action.APPROVE_REPORT, period)
            and approval.state == ReportApproval.State.DRAFT,
            "can_publish": allowed(request, Action.PUBLISH_REPORT, period)
            and approval.state == ReportApproval.State.APPROVED,
            "can_unlock": allowed(request, Action.UNLOCK_PERIOD, period) and period.is_locked,
            "unlock_form": unlock_form or UnlockForm(),
            "pending_units": workflow.units_not_approved(period),
            "period_history": history(period),
        }
    )
    return render(request, "web/report.html", context, status=status)


@member_action("report")
def approve_report(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Approve, once the approver has confirmed the checks' findings shown on the page."""
    period = get_period_for(request, slug, key, Action.APPROVE_REPORT)
    confirmed = request.POST.get("confirmed", "")[:64]
    try:
        report_services.approve_report(period, actor=request.user, confirmed=confirmed)
    except ConfirmationNeeded as error:
        # The page lists the findings beside the confirmation; the message need not.
        return refused(request, str(error))
    except Refused as error:
        return refused(request, " ".join([str(error), *error.details]))
    return done(request, _("Rapporten är godkänd och perioden låst."))


@member_action("report")
def publish_report(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.PUBLISH_REPORT)

    def publish() -> None:
        workflow.publish_report(period, actor=request.user)
        edition = published_edition(period)
        if edition is not None:  # its PDF, Word and Excel for the public page
            store_edition_files.enqueue(edition.pk)

    return transition(request, publish, _("Rapporten är publicerad."))


@member_action("report")
def unlock_period(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.UNLOCK_PERIOD)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return render_report(request, period, unlock_form=form, status=400)
    return transition(
        request,
        lambda: workflow.unlock_period(
            period, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Perioden är upplåst."),
    )


@member_page
def download(request: HttpRequest, slug: str, key: str, fmt: str) -> HttpResponse:
    """The report in one format: a locked period's frozen edition, else as the data are now
    (``?arbetskopia=1``: as a working copy with the system's proposals); ``?edition=N`` asks
    for an earlier edition."""
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
        # A working copy shows the system's proposals to those who judge; never published.
        working = request.GET.get("arbetskopia") == "1"
        data = report_services.render(
            build_report(period, working_copy=working),
            fmt,
            template=report_services.word_template(period),
        )
        kind = "arbetskopia" if working else "utkast"
        name = f"{period.organisation.slug}-{period.key}-{kind}.{fmt}"
    response = HttpResponse(data, content_type=report_services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404 from None


@member_page
def edition_diff(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """What changed between two editions: figures (table, row, column) and texts."""
    period = get_period_for(request, slug, key)
    old = get_object_or_404(period.report_editions, number=_number(request.GET.get("a", "")))
    new = get_object_or_404(period.report_editions, number=_number(request.GET.get("b", "")))
    context = page_context(request, period, "report")
    context["diff"] = diff_editions(old, new)
    return render(request, "web/edition_diff.html", context)


def public_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's published reports, readable without logging in."""
    organisation = organisation_by_slug(slug)
    periods = published_periods(organisation) if organisation else None
    if not periods:
        raise Http404
    return render(
        request, "web/public.html", {"public_organisation": organisation, "periods": periods}
    )


def public_report(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A published report, always from its frozen edition."""
    organisation = organisation_by_slug(slug)
    period = published_periods(organisation).filter(key=key).first() if organisation else None
    edition = published_edition(period) if period else None
    if edition is None:
        raise Http404
    return render(
        request,
        "web/public_report.html",
        {
            "public_organisation": organisation,
            "public_period": period,
            "edition": edition,
            "downloads": [
                (fmt, PUBLIC_FORMAT_NAMES[fmt])
                for fmt in report_services.PUBLIC_FORMATS
                if fmt in stored_formats(edition)
            ],
            "report_html": render_html(edition_report(edition), standalone=False),
        },
    )


PUBLIC_FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel"}


def public_download(request: HttpRequest, slug: str, key: str, fmt: str) -> HttpResponse:
    """A published report's file, as it was rendered when it was published; an anonymous
    request only reads a file already kept, it never makes one."""
    organisation = organisation_by_slug(slug)
    period = published_periods(organisation).filter(key=key).first() if organisation else None
    edition = published_edition(period) if period else None
    if edition is None or fmt not in report_services.PUBLIC_FORMATS:
        raise Http404
    data = stored_file(edition, fmt)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=report_services.CONTENT_TYPES[fmt])
    name = f"{organisation.slug}-{period.key}-utgava-{edition.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

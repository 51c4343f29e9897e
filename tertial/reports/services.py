"""Writes of the reports' tables (frozen editions and their files) and the report's entry
points for the CLI, the web app and `tertial demo`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.core.actors import person
from tertial.core.errors import Refused
from tertial.organisation.models import Period
from tertial.reports.build import build_report
from tertial.reports.checks import Finding, run_checks
from tertial.reports.definition import ReportDefinition
from tertial.reports.editions import edition_report
from tertial.reports.excel import render_xlsx
from tertial.reports.html import render_html
from tertial.reports.models import Edition, EditionFile
from tertial.reports.pdf import render_pdf
from tertial.reports.tree import Report, report_to_data
from tertial.reports.word import render_docx
from tertial.workflow import services as workflow
from tertial.workflow.models import ReportApproval


def _checksum(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def freeze_edition(period: Period, *, actor=None, reason: str = "") -> Edition:
    """Freeze the period's report as it is now: its tree and its HTML, as the next edition."""
    with transaction.atomic():
        # Lock the period's row so two approvals at once cannot take the same number.
        Period.objects.select_for_update().get(pk=period.pk)
        number = (period.report_editions.aggregate(n=Max("number"))["n"] or 0) + 1
        report = build_report(period)
        report.edition = number
        content = report_to_data(report)
        edition = Edition.objects.create(
            period=period,
            number=number,
            created_by=person(actor),
            reason=reason,
            content=content,
            html=render_html(report, standalone=True),
            checksum=_checksum(content),
        )
        record(
            "reports.edition.frozen",
            actor=actor,
            organisation=period.organisation,
            obj=edition,
            after={"period": period.key, "number": number, "checksum": edition.checksum},
            reason=reason,
        )
    return edition


class ConfirmationNeeded(Refused):
    """An approval asked for while the report's checks have findings the approver has not
    confirmed; ``fingerprint`` names the findings shown, to confirm exactly those."""

    def __init__(self, message: str, findings: list[Finding], fingerprint: str):
        super().__init__(message, [str(f) for f in findings])
        self.findings = findings
        self.fingerprint = fingerprint


def findings_fingerprint(findings: list[Finding]) -> str:
    text = "\n".join(str(finding) for finding in findings)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def approve_report(period: Period, *, actor, confirmed: str = "") -> ReportApproval:
    """Approve the period's report, freezing an edition and locking the period.

    When the report's checks find anything, the approval is refused (``ConfirmationNeeded``)
    until the approver confirms those very findings (``confirmed``: their fingerprint); a
    finding that appeared since they were shown asks again. What was confirmed is logged.
    """
    findings = run_checks(period)
    fingerprint = findings_fingerprint(findings)
    if findings and confirmed != fingerprint:
        raise ConfirmationNeeded(
            _(
                "Kontrollerna har anmärkningar. Läs dem och bekräfta att rapporten ändå ska "
                "godkännas."
            ),
            findings,
            fingerprint,
        )
    return workflow.approve_report(
        period,
        actor=actor,
        freeze=freeze_edition,
        acknowledged=[str(finding) for finding in findings],
    )


FORMATS = ("html", "pdf", "docx", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def word_template(period: Period, template: Path | str | None = None) -> Path | None:
    """The Word template to start from: the one given, else the organisation's own, if any."""
    chosen = template or (period.organisation.settings or {}).get("word_template")
    return Path(chosen) if chosen else None


def render(
    report: Report,
    fmt: str,
    *,
    template: Path | str | None = None,
    html: str | None = None,
) -> bytes:
    """The report in one format; ``html`` is a frozen edition's HTML (used for html and pdf)."""
    if fmt == "html":
        return (html if html is not None else render_html(report, standalone=True)).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report, html=html)
    if fmt == "docx":
        return render_docx(report, template=template)
    if fmt == "xlsx":
        return render_xlsx(report)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def edition_file(edition: Edition, fmt: str, *, template: Path | str | None = None) -> bytes:
    """An edition in one format, rendered from its frozen content (and kept) the first time."""
    if fmt == "html":
        return edition.html.encode("utf-8")
    stored = edition.files.filter(format=fmt).first()
    if stored is not None:
        return bytes(stored.data)
    data = render(
        edition_report(edition),
        fmt,
        template=template or word_template(edition.period),
        html=edition.html,
    )
    EditionFile.objects.get_or_create(edition=edition, format=fmt, defaults={"data": data})
    return data


PUBLIC_FORMATS = ("pdf", "docx", "xlsx")


def store_public_files(edition: Edition) -> list[str]:
    """Render and keep the edition's PDF, Word and Excel files (those not kept already)."""
    for fmt in PUBLIC_FORMATS:
        edition_file(edition, fmt)
    return list(PUBLIC_FORMATS)


def render_period(
    period: Period,
    fmt: str,
    *,
    edition: int | None = None,
    template: Path | str | None = None,
    definition: ReportDefinition | None = None,
) -> bytes:
    """The period's report in one format: a given edition, else built from the data now."""
    if edition is not None:
        return edition_file(period.report_editions.get(number=edition), fmt, template=template)
    report = build_report(period, definition=definition)
    return render(report, fmt, template=word_template(period, template))


def render_to_file(
    period: Period,
    fmt: str,
    path: Path | str,
    *,
    edition: int | None = None,
    template: Path | str | None = None,
) -> Path:
    """Write the period's report in ``fmt`` (html, pdf, docx, xlsx) to ``path``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_period(period, fmt, edition=edition, template=template))
    return path

"""tertial report ORG PERIOD --format html|pdf|docx|xlsx --output FILE [--check] [--edition N]"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tertial.cli.command import TertialCommand
from tertial.organisation.models import Period
from tertial.reports.checks import ERROR, run_checks
from tertial.reports.definition import ReportDefinitionError
from tertial.reports.editions import diff_editions
from tertial.reports.services import FORMATS, freeze_edition, render_to_file


class Command(TertialCommand):
    help = gettext_lazy(
        "Skriver en periods rapport som HTML, PDF, Word eller Excel, kontrollerar den "
        "(--check), fryser en utgåva (--freeze) eller jämför två utgåvor (--diff)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "organisation",
            metavar=gettext_lazy("FÖRVALTNING"),
            help=gettext_lazy("förvaltningens kortnamn, t.ex. vss"),
        )
        parser.add_argument(
            "period", metavar="PERIOD", help=gettext_lazy("periodens nyckel, t.ex. 2020-08")
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help=gettext_lazy("filformatet (annars filnamnets ändelse)"),
        )
        parser.add_argument(
            "--output",
            type=Path,
            metavar=gettext_lazy("FIL"),
            help=gettext_lazy("filen att skriva"),
        )
        parser.add_argument(
            "--check", action="store_true", help=gettext_lazy("kör rapportkontrollerna")
        )
        parser.add_argument(
            "--edition",
            type=int,
            metavar=gettext_lazy("NUMMER"),
            help=gettext_lazy("skriv en fryst utgåva i stället för rapporten som den är nu"),
        )
        parser.add_argument(
            "--template",
            type=Path,
            metavar=gettext_lazy("MALL"),
            help=gettext_lazy("Word-mallen (.docx) att utgå från"),
        )
        parser.add_argument(
            "--freeze",
            metavar=gettext_lazy("ANLEDNING"),
            help=gettext_lazy("frys rapporten som en ny utgåva, med anledningen"),
        )
        parser.add_argument(
            "--diff",
            nargs=2,
            type=int,
            metavar=("A", "B"),
            help=gettext_lazy("jämför utgåva A med utgåva B"),
        )

    def handle(self, *args, **options):
        try:
            period = Period.objects.select_related("fiscal_year__organisation").get(
                fiscal_year__organisation__slug=options["organisation"], key=options["period"]
            )
        except Period.DoesNotExist as exc:
            raise CommandError(
                _("Perioden %(period)s finns inte för %(organisation)s.")
                % {"period": options["period"], "organisation": options["organisation"]}
            ) from exc
        if not any(options[k] for k in ("output", "check", "freeze", "diff")):
            raise CommandError(_("Ange --output (med --format), --check, --freeze eller --diff."))
        try:
            self._run(period, options)
        except ReportDefinitionError as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, period, options):
        errors = 0
        if options["check"]:
            findings = run_checks(period)
            for finding in findings:
                self.stdout.write(str(finding))
            errors = sum(1 for f in findings if f.severity == ERROR)
            self.stdout.write(
                ngettext(
                    "%(count)d anmärkning, varav %(errors)d fel.",
                    "%(count)d anmärkningar, varav %(errors)d fel.",
                    len(findings),
                )
                % {"count": len(findings), "errors": errors}
            )
        if options["freeze"]:
            edition = freeze_edition(period, actor=None, reason=options["freeze"])
            self.stdout.write(_("Utgåva %(number)d är fryst.") % {"number": edition.number})
        if options["diff"]:
            a, b = (_edition(period, n) for n in options["diff"])
            diff = diff_editions(a, b)
            for change in diff.figures:
                self.stdout.write(
                    f"{change.table} / {change.row} / {change.column}: {change.old} → {change.new}"
                )
            for change in diff.texts:
                self.stdout.write(f"{change.where}: {change.words}")
            if diff.is_empty:
                self.stdout.write(_("Inga skillnader."))
        if options["output"]:
            fmt = options["format"] or options["output"].suffix.lstrip(".").lower()
            if fmt not in FORMATS:
                raise CommandError(
                    _("Ange --format, ett av %(formats)s.") % {"formats": ", ".join(FORMATS)}
                )
            if options["edition"] is not None:
                _edition(period, options["edition"])
            path = render_to_file(
                period,
                fmt,
                options["output"],
                edition=options["edition"],
                template=options["template"],
            )
            self.stdout.write(_("Skrev %(path)s.") % {"path": path})
        if errors:
            raise CommandError(
                ngettext(
                    "Rapportkontrollerna fann %(count)d fel.",
                    "Rapportkontrollerna fann %(count)d fel.",
                    errors,
                )
                % {"count": errors}
            )


def _edition(period, number: int):
    edition = period.report_editions.filter(number=number).first()
    if edition is None:
        raise CommandError(
            _("Perioden %(period)s har ingen utgåva %(number)d.")
            % {"period": period.key, "number": number}
        )
    return edition

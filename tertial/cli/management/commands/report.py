"""tertial report ORG PERIOD --format html|pdf|docx|xlsx --output FILE [--check] [--edition N]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tertial.organisation.models import Period
from tertial.reports.checks import ERROR, run_checks
from tertial.reports.definition import ReportDefinitionError
from tertial.reports.editions import diff_editions
from tertial.reports.services import FORMATS, freeze_edition, render_to_file


class Command(BaseCommand):
    help = (
        "Skriver en periods rapport som HTML, PDF, Word eller Excel, kontrollerar den "
        "(--check), fryser en utgåva (--freeze) eller jämför två utgåvor (--diff)."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="förvaltningens kortnamn (slug), t.ex. vss")
        parser.add_argument("period", help="periodens nyckel, t.ex. 2020-08")
        parser.add_argument("--format", choices=FORMATS, help="utdataformat")
        parser.add_argument("--output", type=Path, help="fil att skriva")
        parser.add_argument("--check", action="store_true", help="kör rapportkontrollerna")
        parser.add_argument("--edition", type=int, help="en fryst utgåva i stället för dagsläget")
        parser.add_argument("--template", type=Path, help="Word-mall (.docx) att utgå från")
        parser.add_argument("--freeze", metavar="ANLEDNING", help="frys rapporten som ny utgåva")
        parser.add_argument("--diff", nargs=2, type=int, metavar=("A", "B"), help="jämför utgåvor")

    def handle(self, *args, **options):
        try:
            period = Period.objects.select_related("fiscal_year__organisation").get(
                fiscal_year__organisation__slug=options["organisation"], key=options["period"]
            )
        except Period.DoesNotExist as exc:
            raise CommandError(
                f"Perioden {options['period']} finns inte för {options['organisation']}."
            ) from exc
        if not any(options[k] for k in ("output", "check", "freeze", "diff")):
            raise CommandError("Ange --output (med --format), --check, --freeze eller --diff.")
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
            self.stdout.write(f"{len(findings)} anmärkningar, varav {errors} fel.")
        if options["freeze"]:
            edition = freeze_edition(period, actor=None, reason=options["freeze"])
            self.stdout.write(f"Utgåva {edition.number} frystes.")
        if options["diff"]:
            a, b = (period.report_editions.get(number=n) for n in options["diff"])
            diff = diff_editions(a, b)
            for change in diff.figures:
                self.stdout.write(
                    f"{change.table} / {change.row} / {change.column}: {change.old} → {change.new}"
                )
            for change in diff.texts:
                self.stdout.write(f"{change.where}: {change.words}")
            if diff.is_empty:
                self.stdout.write("Inga skillnader.")
        if options["output"]:
            fmt = options["format"] or options["output"].suffix.lstrip(".").lower()
            if fmt not in FORMATS:
                raise CommandError(f"Ange --format, ett av {', '.join(FORMATS)}.")
            path = render_to_file(
                period,
                fmt,
                options["output"],
                edition=options["edition"],
                template=options["template"],
            )
            self.stdout.write(f"Skrev {path}")
        if errors:
            raise CommandError(f"Rapportkontrollerna fann {errors} fel.")

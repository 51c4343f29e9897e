"""What the import_ledger and import_budget commands share."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tertial.cli.arguments import organisation_by_slug
from tertial.cli.command import TertialCommand
from tertial.core.formatting import format_number
from tertial.economy.models import ImportJob
from tertial.economy.services.imports import LEDGER
from tertial.economy.services.jobs import create_import_job
from tertial.ingest.tasks import execute_job


class ImportCommand(TertialCommand):
    kind: str = LEDGER
    default_mapping: str = "unit4-agresso"

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            metavar=gettext_lazy("FIL"),
            help=gettext_lazy("filen att importera (.csv, .xlsx eller .parquet)"),
        )
        parser.add_argument(
            "--org",
            required=True,
            metavar=gettext_lazy("KORTNAMN"),
            help=gettext_lazy("förvaltningens kortnamn, t.ex. vss"),
        )
        parser.add_argument(
            "--mapping",
            metavar=gettext_lazy("MAPPNING"),
            default=self.default_mapping,
            help=gettext_lazy(
                "namnet på en mappning som följer med tertial, eller en mappningsfil "
                "(standard: %(default)s)"
            ),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=gettext_lazy(
                "ersätt det som redan finns sparat för månaderna filen täcker (utan flaggan "
                "vägras en sådan fil)"
            ),
        )

    def handle(self, *args, **options):
        organisation = organisation_by_slug(options["org"])
        job = create_import_job(
            organisation,
            options["file"],
            kind=self.kind,
            mapping=options["mapping"],
            replace=options["replace"],
        )
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task(_("Importerar"), total=100)

            def progress(percent: int, message: str) -> None:
                bar.update(task, completed=percent, description=message)

            job = execute_job(job, progress=progress)
        if job.status != ImportJob.Status.DONE:
            for error in job.errors:
                where = error["file"] + (f":{error['line']}" if error["line"] else "")
                field = f" [{error['field']}]" if error["field"] else ""
                self.stderr.write(f"{where}{field}: {error['message']}")
            raise CommandError(job.message or _("Importen misslyckades."))
        batch = job.batch
        done = ngettext(
            "Import %(number)s: %(rows)d rad från %(source)s, månader %(months)s, "
            "summa %(total)s kr.",
            "Import %(number)s: %(rows)d rader från %(source)s, månader %(months)s, "
            "summa %(total)s kr.",
            batch.row_count,
        ) % {
            "number": batch.pk,
            "rows": batch.row_count,
            "source": batch.source_name,
            "months": ", ".join(batch.months),
            "total": format_number(batch.total, 2),
        }
        self.stdout.write(self.style.SUCCESS(done))

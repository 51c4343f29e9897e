"""What the import_ledger and import_budget commands share."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tertial.cli.arguments import organisation_by_slug
from tertial.economy.models import ImportJob
from tertial.economy.services.imports import LEDGER
from tertial.economy.services.jobs import create_import_job
from tertial.ingest.tasks import execute_job


class ImportCommand(BaseCommand):
    kind: str = LEDGER
    default_mapping: str = "unit4-agresso"

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export to import (.csv, .xlsx or .parquet)")
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument(
            "--mapping",
            default=self.default_mapping,
            help=f"a shipped mapping's name or a mapping file (default {self.default_mapping})",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace what is already stored for the months the file covers "
            "(without it, such a file is refused)",
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
            task = bar.add_task("Importerar", total=100)

            def progress(percent: int, message: str) -> None:
                bar.update(task, completed=percent, description=message)

            job = execute_job(job, progress=progress)
        if job.status != ImportJob.Status.DONE:
            for error in job.errors:
                where = error["file"] + (f":{error['line']}" if error["line"] else "")
                field = f" [{error['field']}]" if error["field"] else ""
                self.stderr.write(f"{where}{field}: {error['message']}")
            raise CommandError(job.message or "importen misslyckades")
        batch = job.batch
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {batch.pk}: {batch.row_count} rader från {batch.source_name}, "
                f"månader {', '.join(batch.months)}, summa {batch.total} kr."
            )
        )

"""tertial import records FILE --org ORG --mapping NAME_OR_FILE"""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tertial.cli.arguments import organisation_by_slug
from tertial.ingest.records.tasks import execute_job
from tertial.records import jobs
from tertial.records.models import RecordImportJob


class Command(BaseCommand):
    help = (
        "Importerar poster (ärenden, samtal, enkätsvar, fakturor), ersätter de månader filen "
        "täcker och beräknar indikatorerna som definieras över poster."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export (.csv, .xlsx, .jsonl or .parquet)")
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument(
            "--mapping", required=True, help="a shipped mapping's name or a mapping file"
        )

    def handle(self, *args, **options):
        organisation = organisation_by_slug(options["org"])
        job = jobs.create_job(organisation, options["file"], mapping=options["mapping"])
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task("Importerar", total=100)

            def progress(percent: int, message: str) -> None:
                bar.update(task, completed=percent, description=message)

            job = execute_job(job, progress=progress)
        if job.status != RecordImportJob.Status.DONE:
            for error in job.errors:
                where = error["file"] + (f":{error['line']}" if error["line"] else "")
                field = f" [{error['field']}]" if error["field"] else ""
                self.stderr.write(f"{where}{field}: {error['message']}")
            raise CommandError(job.message or "importen misslyckades")
        self.stdout.write(self.style.SUCCESS(f"Import {job.batch.pk}: {job.message}."))

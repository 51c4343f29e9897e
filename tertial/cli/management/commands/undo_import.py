"""tertial undo_import BATCH: remove what one import stored."""

from django.core.management.base import BaseCommand, CommandError

from tertial.economy.models import ImportBatch
from tertial.economy.services.imports import undo_import


class Command(BaseCommand):
    help = (
        "Ångrar en import: tar bort det den sparade. Det som importen ersatte återställs inte; "
        "månaderna står tomma tills de importeras igen."
    )

    def add_arguments(self, parser):
        parser.add_argument("batch", type=int, help="the import's number (ImportBatch id)")

    def handle(self, *args, **options):
        try:
            batch = ImportBatch.objects.get(pk=options["batch"])
        except ImportBatch.DoesNotExist as exc:
            raise CommandError(f"ingen import med nummer {options['batch']}") from exc
        try:
            removed = undo_import(batch)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {batch.pk} ({batch.source_name}) ångrad: {removed} rader borttagna. "
                f"Månaderna {', '.join(batch.months)} står nu utan värden tills de importeras "
                "igen; det importen ersatte återställs inte."
            )
        )

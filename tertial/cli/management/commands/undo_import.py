"""tertial undo_import BATCH: remove what one import stored."""

from django.core.management.base import BaseCommand, CommandError

from tertial.economy.services.imports import import_batch, undo_import


class Command(BaseCommand):
    help = (
        "Ångrar en import: tar bort det den sparade. Det som importen ersatte återställs inte; "
        "månaderna står tomma tills de importeras igen."
    )

    def add_arguments(self, parser):
        parser.add_argument("batch", type=int, help="the import's number (ImportBatch id)")

    def handle(self, *args, **options):
        batch = import_batch(options["batch"])
        if batch is None:
            raise CommandError(f"ingen import med nummer {options['batch']}")
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

"""``tertial load DIR``: validate an organisation folder and load it, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tertial.core.errors import InputErrors
from tertial.ingest.folder import load_folder


class Command(BaseCommand):
    help = "Validate an organisation folder (docs/input-format.md) and load it into the database."
    # Loading needs the models only; the web checks (URLs, templates) are not its concern.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The organisation folder.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also replace the data of periods approved or locked in the database.",
        )

    def handle(self, *args, folder: Path, force: bool = False, **options):
        try:
            result = load_folder(folder, force=force)
        except InputErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            count = len(exc.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''} in {folder}; nothing was loaded.",
                returncode=1,
            ) from None
        organisation = result.organisation
        self.stdout.write(f"Loaded {organisation.name} ({organisation.slug}) from {folder}:")
        for name, count in result.counts.items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {count}")
        for note in result.notes:
            self.stdout.write(f"Note: {note}")

"""``tertial import indicators FILE --org ORG``: indicator values from a CSV file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tertial.cli.arguments import organisation_by_slug
from tertial.core.errors import InputErrors
from tertial.goals.services import compute_indicator_values
from tertial.ingest.indicators import import_indicator_file


class Command(BaseCommand):
    help = (
        "Import indicator values from a CSV file in the indicator_values.csv format "
        "(docs/input-format.md); all rows are checked first, nothing is stored on an error."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="The organisation's slug.")

    def handle(self, *args, file: Path, org: str, **options):
        organisation = organisation_by_slug(org)
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            counts = import_indicator_file(organisation, file)
            computed = compute_indicator_values(organisation)
        except InputErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {file}; nothing was imported.", returncode=1
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=1) from None
        self.stdout.write(
            f"{file}: {counts['created']} new and {counts['updated']} changed values"
            + (f", {computed} computed" if computed else "")
        )

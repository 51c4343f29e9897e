"""``tertial import indicators FILE --org ORG``: indicator values from a CSV file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tertial.cli.arguments import organisation_by_slug
from tertial.cli.command import TertialCommand
from tertial.core.errors import InputErrors
from tertial.goals.services import compute_indicator_values
from tertial.ingest.indicators import import_indicator_file


class Command(TertialCommand):
    help = gettext_lazy(
        "Importerar indikatorvärden från en CSV-fil i samma format som indicator_values.csv "
        "(docs/input-format.md); alla rader kontrolleras först och ingenting sparas om något "
        "är fel."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            metavar=gettext_lazy("FIL"),
            help=gettext_lazy("CSV-filen med värdena"),
        )
        parser.add_argument(
            "--org",
            required=True,
            metavar=gettext_lazy("KORTNAMN"),
            help=gettext_lazy("förvaltningens kortnamn, t.ex. vss"),
        )

    def handle(self, *args, file: Path, org: str, **options):
        organisation = organisation_by_slug(org)
        if not file.is_file():
            raise CommandError(_("%(file)s: filen finns inte.") % {"file": file})
        try:
            counts = import_indicator_file(organisation, file)
            computed = compute_indicator_values(organisation)
        except InputErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            count = len(exc.errors)
            raise CommandError(
                ngettext(
                    "%(count)d fel i %(file)s; ingenting importerades.",
                    "%(count)d fel i %(file)s; ingenting importerades.",
                    count,
                )
                % {"count": count, "file": file},
                returncode=1,
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=1) from None
        values = {"file": file, "new": counts["created"], "changed": counts["updated"]}
        if computed:
            done = _(
                "%(file)s: %(new)d nya och %(changed)d ändrade värden, %(computed)d beräknade."
            ) % {**values, "computed": computed}
        else:
            done = _("%(file)s: %(new)d nya och %(changed)d ändrade värden.") % values
        self.stdout.write(done)

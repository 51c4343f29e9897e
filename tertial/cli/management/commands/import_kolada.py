"""``tertial import kolada FILE… --org ORG``: indicator values from Kolada API responses.

Files are kpi or data responses of Kolada's API saved as JSON. With ``--fetch`` the same
responses are read from the live API instead (TERTIAL_KOLADA_URL, default Kolada's v2).
"""

from pathlib import Path
from urllib.error import URLError

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.cli.arguments import organisation_by_slug
from tertial.cli.command import TertialCommand
from tertial.goals.tables import NATIONAL, compared_municipalities
from tertial.ingest import kolada


class Command(TertialCommand):
    help = gettext_lazy(
        "Importerar nyckeltal och värden från Kolada: svar från Koladas API sparade som "
        "JSON-filer, eller hämtade direkt med --fetch."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            type=Path,
            nargs="*",
            metavar=gettext_lazy("FIL"),
            help=gettext_lazy("sparade svar från Kolada (JSON)"),
        )
        parser.add_argument(
            "--org",
            required=True,
            metavar=gettext_lazy("KORTNAMN"),
            help=gettext_lazy("förvaltningens kortnamn, t.ex. vss"),
        )
        parser.add_argument(
            "--municipality",
            metavar="ID",
            default="",
            help=gettext_lazy("den egna kommunens id i Kolada (annars förvaltningens inställning)"),
        )
        parser.add_argument(
            "--ou",
            metavar="ID",
            default="",
            help=gettext_lazy(
                "den egna organisatoriska enhetens id i Kolada (annars förvaltningens inställning)"
            ),
        )
        parser.add_argument(
            "--fetch", action="store_true", help=gettext_lazy("hämta svaren från Koladas API")
        )
        parser.add_argument(
            "--kpi",
            metavar="ID",
            action="append",
            default=[],
            help=gettext_lazy("ett nyckeltals id att hämta (flaggan kan upprepas)"),
        )
        parser.add_argument(
            "--year",
            metavar=gettext_lazy("ÅR"),
            action="append",
            type=int,
            default=[],
            help=gettext_lazy("ett år att hämta (flaggan kan upprepas)"),
        )
        parser.add_argument(
            "--compare",
            metavar="ID",
            action="append",
            default=[],
            help=gettext_lazy(
                "en annan kommuns id att jämföra med (flaggan kan upprepas; annars "
                "förvaltningens inställning kolada_compare)"
            ),
        )

    def handle(self, *args, files, org, municipality, ou, fetch, kpi, year, compare, **options):
        organisation = organisation_by_slug(org)
        own_municipality, own_ou = kolada.own_areas(organisation, municipality, ou)
        responses: list[tuple[str, kolada.Response]] = []
        if fetch:
            if not kpi or not year:
                raise CommandError(_("--fetch behöver --kpi och --year."))
            client = kolada.KoladaClient()
            try:
                responses.append((client.base_url, client.kpis(kpi)))
                compare = compare or list(compared_municipalities(organisation.settings or {}))
                # The whole country's value (Riket) is always fetched beside the chosen ones.
                municipalities = [m for m in [own_municipality, *compare, NATIONAL] if m]
                if municipalities:
                    responses.append((client.base_url, client.data(kpi, municipalities, year)))
                if own_ou:
                    responses.append((client.base_url, client.ou_data(kpi, [own_ou], year)))
            except (URLError, OSError, kolada.KoladaFormatError) as exc:
                raise CommandError(
                    _("Kolada gick inte att läsa: %(error)s") % {"error": exc}
                ) from None
        elif not files:
            raise CommandError(_("Ange en eller flera svarsfiler, eller --fetch."))
        for file in files:
            try:
                responses.append((str(file), kolada.parse(file.read_bytes())))
            except OSError as exc:
                raise CommandError(f"{file}: {exc.strerror}") from None
            except kolada.KoladaFormatError as exc:
                raise CommandError(f"{file}: {exc}") from None
        for name, response in responses:
            try:
                summary = kolada.import_response(
                    organisation,
                    response,
                    municipality=own_municipality,
                    ou=own_ou,
                    source_name=name,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    self.stderr.write(f"{name}: {message}")
                raise CommandError(
                    _("%(name)s: ingenting importerades därifrån.") % {"name": name}, returncode=1
                ) from None
            self.stdout.write(f"{name}: {summary}")

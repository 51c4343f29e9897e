"""``tertial import kolada FILE… --org ORG``: indicator values from Kolada API responses.

Files are kpi or data responses of Kolada's API saved as JSON. With ``--fetch`` the same
responses are read from the live API instead (TERTIAL_KOLADA_URL, default Kolada's v2).
"""

from pathlib import Path
from urllib.error import URLError

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tertial.cli.arguments import organisation_by_slug
from tertial.goals.tables import NATIONAL, compared_municipalities
from tertial.ingest import kolada


class Command(BaseCommand):
    help = "Import Kolada kpi/data responses (JSON files, or --fetch from the API)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", type=Path, nargs="*", help="Kolada responses (JSON).")
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--municipality", default="", help="Own municipality id (else settings)."
        )
        parser.add_argument("--ou", default="", help="Own organisational unit id (else settings).")
        parser.add_argument("--fetch", action="store_true", help="Read from the live API.")
        parser.add_argument("--kpi", action="append", default=[], help="KPI id to fetch.")
        parser.add_argument("--year", action="append", type=int, default=[], help="Year to fetch.")
        parser.add_argument(
            "--compare",
            action="append",
            default=[],
            help="Other municipality id to fetch for comparison (else settings.kolada_compare).",
        )

    def handle(self, *args, files, org, municipality, ou, fetch, kpi, year, compare, **options):
        organisation = organisation_by_slug(org)
        own_municipality, own_ou = kolada.own_areas(organisation, municipality, ou)
        responses: list[tuple[str, kolada.Response]] = []
        if fetch:
            if not kpi or not year:
                raise CommandError("--fetch needs --kpi and --year")
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
                raise CommandError(f"Kolada: {exc}") from None
        elif not files:
            raise CommandError("give one or more response files, or --fetch")
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
                raise CommandError(f"{name}: nothing was imported from it.", returncode=1) from None
            self.stdout.write(f"{name}: {summary}")

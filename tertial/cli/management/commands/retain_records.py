"""tertial retain_records [--org ORG]: delete records older than each organisation's
record_retention_months; the values computed from them stay."""

from datetime import date

from django.core.management.base import BaseCommand

from tertial.cli.arguments import organisation_by_slug
from tertial.organisation.models import Organisation
from tertial.records.services import apply_retention, retention_months


class Command(BaseCommand):
    help = (
        "Raderar poster äldre än organisationens lagringstid (record_retention_months); "
        "värdena som beräknats från dem står kvar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="only this organisation (default: every one)")

    def handle(self, *args, **options):
        if options["org"]:
            organisations = [organisation_by_slug(options["org"])]
        else:
            organisations = list(Organisation.objects.order_by("slug"))
        for organisation in organisations:
            months = retention_months(organisation)
            if months is None:
                continue
            deleted = apply_retention(organisation, today=date.today())
            self.stdout.write(
                f"{organisation.slug}: {deleted} poster äldre än {months} månader raderade"
            )

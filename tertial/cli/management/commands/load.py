"""``tertial load DIR``: validate an organisation folder and load it, all or nothing."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from tertial.cli.command import TertialCommand
from tertial.core.errors import InputErrors
from tertial.ingest.folder import load_folder

# What the loader counts, in words; a count without words here is shown by its key.
LOADED = {
    "units": ngettext_lazy("%(count)d verksamhet", "%(count)d verksamheter", "count"),
    "account_classes": ngettext_lazy("%(count)d kontoklass", "%(count)d kontoklasser", "count"),
    "periods": ngettext_lazy("%(count)d period", "%(count)d perioder", "count"),
    "goals": ngettext_lazy("%(count)d nämndmål", "%(count)d nämndmål", "count"),
    "indicators": ngettext_lazy("%(count)d indikator", "%(count)d indikatorer", "count"),
    "indicator_values": ngettext_lazy(
        "%(count)d indikatorvärde", "%(count)d indikatorvärden", "count"
    ),
    "ledger_rows": ngettext_lazy("%(count)d huvudboksrad", "%(count)d huvudboksrader", "count"),
    "budget_rows": ngettext_lazy("%(count)d budgetrad", "%(count)d budgetrader", "count"),
    "forecasts": ngettext_lazy("%(count)d prognos", "%(count)d prognoser", "count"),
    "assessments": ngettext_lazy("%(count)d bedömning", "%(count)d bedömningar", "count"),
    "sections": ngettext_lazy("%(count)d textavsnitt", "%(count)d textavsnitt", "count"),
    "investment_projects": ngettext_lazy(
        "%(count)d investeringsprojekt", "%(count)d investeringsprojekt", "count"
    ),
    "computed_indicator_values": ngettext_lazy(
        "%(count)d beräknat indikatorvärde", "%(count)d beräknade indikatorvärden", "count"
    ),
    "assessment_proposals": ngettext_lazy(
        "%(count)d förslag till bedömning", "%(count)d förslag till bedömning", "count"
    ),
}


class Command(TertialCommand):
    help = gettext_lazy(
        "Kontrollerar en förvaltningsmapp (docs/input-format.md) och läser in den i databasen, "
        "allt eller inget."
    )
    # Loading needs the models only; the web checks (URLs, templates) are not its concern.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            type=Path,
            metavar=gettext_lazy("MAPP"),
            help=gettext_lazy("förvaltningsmappen"),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy(
                "ersätt också uppgifterna för perioder som redan är godkända eller låsta"
            ),
        )

    def handle(self, *args, folder: Path, force: bool = False, **options):
        try:
            result = load_folder(folder, force=force)
        except InputErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            count = len(exc.errors)
            raise CommandError(
                ngettext(
                    "%(count)d fel i %(folder)s; ingenting lästes in.",
                    "%(count)d fel i %(folder)s; ingenting lästes in.",
                    count,
                )
                % {"count": count, "folder": folder},
                returncode=1,
            ) from None
        organisation = result.organisation
        self.stdout.write(
            _("Läste in %(name)s (%(slug)s) från %(folder)s:")
            % {"name": organisation.name, "slug": organisation.slug, "folder": folder}
        )
        for key, count in result.counts.items():
            words = LOADED.get(key)
            line = words % {"count": count} if words else f"{key.replace('_', ' ')}: {count}"
            self.stdout.write(f"  {line}")
        for note in result.notes:
            self.stdout.write(_("Obs: %(note)s") % {"note": note})

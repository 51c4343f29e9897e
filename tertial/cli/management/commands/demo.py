"""``tertial demo``: the reference organisation loaded, its report written, the app served.

``tertial.cli`` points the database at an SQLite file of its own (tertial-demo.sqlite3 in the
working directory) before Django starts, so the demo never touches a configured database; the
command empties that file first, so every demo starts fresh.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import tertial
from tertial.cli.arguments import organisation_by_slug
from tertial.cli.command import TertialCommand

EXAMPLE = Path(tertial.__file__).resolve().parent.parent / "examples" / "vss-2020"
REPORT_FORMATS = ("html", "pdf", "docx", "xlsx")


class Command(TertialCommand):
    help = gettext_lazy(
        "Läser in exempelförvaltningen i en ny SQLite-databas, skriver dess rapport och startar "
        "webbappen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=gettext_lazy("sluta när rapporten är skriven, utan att starta webbappen"),
        )
        parser.add_argument(
            "--output",
            default="report-output",
            metavar=gettext_lazy("MAPP"),
            help=gettext_lazy("mappen för rapportfilerna (standard: %(default)s)"),
        )
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            metavar=gettext_lazy("ADRESS"),
            help=gettext_lazy("adressen webbappen svarar på (standard: %(default)s)"),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help=gettext_lazy("porten webbappen svarar på (standard: %(default)s)"),
        )

    def handle(self, *args, no_serve, output, host, port, **options):
        from tertial.access.demo import create_demo_users

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                _("Demon körs bara på en egen SQLite-databas: starta den med `tertial demo`.")
            )
        if not EXAMPLE.is_dir():
            raise CommandError(
                _("Exempelmappen %(folder)s saknas: kör demon från en klon av tertial.")
                % {"folder": EXAMPLE}
            )
        database = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        self.stdout.write(_("Databas: %(database)s") % {"database": database})
        call_command("migrate", verbosity=0)
        call_command("load", str(EXAMPLE))
        organisation = organisation_by_slug("vss")
        credentials = create_demo_users(organisation)

        out_dir = Path(output).resolve()
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in REPORT_FORMATS:
            target = out_dir / f"vss-2020-08.{fmt}"
            call_command("report", "vss", "2020-08", format=fmt, output=str(target))

        self.stdout.write("")
        self.stdout.write(
            _("Demoinloggningar, alla med lösenordet %(password)s:")
            % {"password": credentials["password"]}
        )
        for role, username in credentials["users"].items():
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write("")
        self.stdout.write(
            _(
                "Att pröva först, på %(url)s: logga in som lkdata, ändra LKDATA:s prognos för "
                "helåret och lämna in den; som controller, godkänn LKDATA eller skicka tillbaka "
                "den med en kommentar; som chef, läs kontrollerna på rapportsidan. "
                "Administrationssidorna finns på /admin/ (som admin)."
            )
            % {"url": f"http://{host}:{port}/"}
        )
        self.stdout.write("")
        self.stdout.write(_("Andra kommandon på demons databas, till exempel:"))
        self.stdout.write(
            f"  TERTIAL_DATABASE_URL=sqlite:///{database} tertial report vss 2020-08 "
            "--format pdf --output vss.pdf"
        )
        if no_serve:
            return
        call_command("serve", host=host, port=port)

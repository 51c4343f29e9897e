"""``tertial demo``: the reference organisation loaded, its report written, the app served.

``tertial.cli`` points the database at an SQLite file of its own (tertial-demo.sqlite3 in the
working directory) before Django starts, so the demo never touches a configured database; the
command empties that file first, so every demo starts fresh.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

import tertial
from tertial.cli.arguments import organisation_by_slug

EXAMPLE = Path(tertial.__file__).resolve().parent.parent / "examples" / "vss-2020"
REPORT_FORMATS = ("html", "pdf", "docx", "xlsx")


class Command(BaseCommand):
    help = "Load the example organisation into a fresh SQLite database, write its report, serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Stop after writing the report."
        )
        parser.add_argument(
            "--output", default="report-output", help="Folder for the report files."
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve, output, host, port, **options):
        from tertial.access.demo import create_demo_users

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("tertial demo runs on its own SQLite database.")
        if not EXAMPLE.is_dir():
            raise CommandError(
                f"The example folder {EXAMPLE} is missing: run the demo from a clone of tertial."
            )
        database = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        self.stdout.write(f"Database: {database}")
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
        self.stdout.write(f"Demo logins, all with the password {credentials['password']}:")
        for role, username in credentials["users"].items():
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write(
            f"\nTo try first, at http://{host}:{port}/: sign in as lkdata, change LKDATA's "
            "full-year forecast and submit it; as controller, approve LKDATA or send it back "
            "with a comment; as chef, read the report page's checks. The admin pages are at "
            "/admin/ (as admin)."
        )
        self.stdout.write(
            "\nOther commands on the demo's database, for example:\n"
            f"  TERTIAL_DATABASE_URL=sqlite:///{database} tertial report vss 2020-08 "
            "--format pdf --output vss.pdf"
        )
        if no_serve:
            return
        call_command("serve", host=host, port=port)

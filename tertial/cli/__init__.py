"""The ``tertial`` command.

Each sub-command is a management command of this app (``tertial/cli/management/commands``)
of the same name (``tertial load`` runs ``load``), a thin call of the ingestion's or the
domain's functions, so the CLI, the web views and the tests share one set of them.
Two-word commands of the documented CLI (``tertial import ledger``) map to one management
command (``import_ledger``). ``tertial`` alone lists tertial's own commands first; Django's
own (``migrate``, ``createsuperuser`` …) follow under ``tertial help --all``. tertial's own
commands speak Swedish, or the language TERTIAL_LANGUAGE names (one of settings.LANGUAGES).
"""

import os
import shutil
import sys
import textwrap
from contextlib import nullcontext
from pathlib import Path

DEMO_DATABASE = "tertial-demo.sqlite3"
LANGUAGE_VARIABLE = "TERTIAL_LANGUAGE"
TWO_WORD_COMMANDS = {
    ("import", "ledger"): "import_ledger",
    ("import", "kolada"): "import_kolada",
    ("import", "indicators"): "import_indicators",
    ("import", "budget"): "import_budget",
    ("import", "records"): "import_records",
}
# Commands that create or need no tertial tables: they run on a database not yet migrated.
WITHOUT_TABLES = {
    "demo",
    "migrate",
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "check",
    "compilemessages",
    "makemessages",
    "collectstatic",
    "help",
    "version",
    "shell",
    "dbshell",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tertial.settings")
    if argv[:1] == ["demo"]:
        _use_demo_database()
    if len(argv) >= 2 and (argv[0], argv[1]) in TWO_WORD_COMMANDS:
        argv = [TWO_WORD_COMMANDS[(argv[0], argv[1])], *argv[2:]]
    from django.utils import translation

    problem = _misconfigured()
    if problem:
        sys.stderr.write(problem + "\n")
        sys.exit(1)
    language = _chosen_language()
    if not argv or argv in (["help"], ["-h"], ["--help"]):
        with translation.override(language):
            sys.stdout.write(_overview())
        return
    if argv == ["help", "--all"]:
        argv = ["help"]
    command = argv[0]
    asks_help = "-h" in argv or "--help" in argv
    if not command.startswith("-") and command not in WITHOUT_TABLES and not asks_help:
        with translation.override(language):
            problem = _unmigrated()
        if problem:
            sys.stderr.write(problem + "\n")
            sys.exit(1)
    from django.core.management import execute_from_command_line

    # Django's own commands and those of the other apps (db_worker, which runs the imports
    # people start on the web) keep the language they have without tertial.
    speaks = translation.override(language) if _tertials_own(argv) else nullcontext()
    with speaks:
        execute_from_command_line(["tertial", *argv])


def command_words(command: str) -> str:
    """How a person types a command: ``import ledger`` for ``import_ledger``."""
    return {name: " ".join(words) for words, name in TWO_WORD_COMMANDS.items()}.get(
        command, command
    )


def _chosen_language() -> str:
    """TERTIAL_LANGUAGE if it names one of the site's languages, else Swedish (the site's)."""
    from django.conf import settings
    from django.utils.translation import gettext

    chosen = os.environ.get(LANGUAGE_VARIABLE, "").strip().lower()
    allowed = [code for code, _name in settings.LANGUAGES]
    if not chosen:
        return settings.LANGUAGE_CODE
    if chosen in allowed:
        return chosen
    sys.stderr.write(
        gettext("%(variable)s=%(value)s finns inte; välj ett av språken %(allowed)s.")
        % {"variable": LANGUAGE_VARIABLE, "allowed": ", ".join(allowed), "value": chosen}
        + "\n"
    )
    sys.exit(1)


def _tertials_own(argv: list[str]) -> bool:
    from django.core.management import get_commands

    name = argv[1] if argv[0] == "help" and len(argv) > 1 else argv[0]
    return get_commands().get(name) == "tertial.cli"


def _use_demo_database() -> None:
    """The demo runs on an SQLite file of its own, whatever database is configured.

    The demo command empties it before loading (not here, so that `tertial demo --help`
    leaves an earlier demo's database alone).
    """
    os.environ["TERTIAL_DATABASE_URL"] = f"sqlite:///{Path.cwd() / DEMO_DATABASE}"


def _overview() -> str:
    """tertial's own commands with what each does, then where Django's are."""
    import django
    from django.core.management import get_commands, load_command_class
    from django.utils.translation import gettext

    django.setup()
    own = sorted(name for name, app in get_commands().items() if app == "tertial.cli")
    lines = [gettext("tertial: uppföljning av mål, indikatorer och ekonomi"), ""]
    lines.append(gettext("Kommandon:"))
    for command in own:
        if command.startswith("_"):
            continue
        help_text = str(load_command_class("tertial.cli", command).help)
        lines += textwrap.wrap(
            help_text,
            width=min(shutil.get_terminal_size().columns, 100),
            initial_indent=f"  {command_words(command):<20} ",
            subsequent_indent=" " * 23,
        )
    lines += [
        "",
        gettext("`tertial KOMMANDO --help` berättar mer om ett kommando."),
        gettext("Djangos egna kommandon (migrate, createsuperuser …): `tertial help --all`."),
        "",
    ]
    return "\n".join(lines)


def _misconfigured() -> str | None:
    """The one sentence of a wrong setting (single sign-on half configured, a roles file in
    error), instead of a traceback."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        # Before the apps are ready no catalogue can be read: the site's language, as is.
        return f"tertial kan inte starta: {error}"
    return None


def _unmigrated() -> str | None:
    """One sentence on what to run when the configured database lacks tertial's tables."""
    import django
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils.translation import gettext, ngettext

    django.setup()
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return gettext(
            "tertial kan inte öppna databasen (%(error)s): kontrollera TERTIAL_DATABASE_URL."
        ) % {"error": error}
    if not pending:
        return None
    return ngettext(
        "Databasen %(database)s är inte redo för tertial (%(count)d migrering återstår): kör "
        "först `tertial migrate` (eller `tertial demo` för exemplet i en egen databas).",
        "Databasen %(database)s är inte redo för tertial (%(count)d migreringar återstår): kör "
        "först `tertial migrate` (eller `tertial demo` för exemplet i en egen databas).",
        len(pending),
    ) % {"database": settings.DATABASES["default"].get("NAME") or "", "count": len(pending)}

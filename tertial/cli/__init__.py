"""The ``tertial`` command.

Each sub-command is a management command of this app (``tertial/cli/management/commands``)
of the same name (``tertial load`` runs ``load``), a thin call of the ingestion's or the
domain's functions, so the CLI, the web views and the tests share one set of them.
Two-word commands of the documented CLI (``tertial import ledger``) map to one management
command (``import_ledger``). ``tertial`` alone lists tertial's own commands first; Django's
own (``migrate``, ``createsuperuser`` …) follow under ``tertial help --all``.
"""

import os
import sys
from pathlib import Path

DEMO_DATABASE = "tertial-demo.sqlite3"
TWO_WORD_COMMANDS = {
    ("import", "ledger"): "import_ledger",
    ("import", "kolada"): "import_kolada",
    ("import", "indicators"): "import_indicators",
    ("import", "budget"): "import_budget",
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
    if not argv or argv in (["help"], ["-h"], ["--help"]):
        sys.stdout.write(_overview())
        return
    if argv == ["help", "--all"]:
        argv = ["help"]
    command = argv[0]
    problem = _misconfigured()
    if problem:
        sys.stderr.write(problem + "\n")
        sys.exit(1)
    if not command.startswith("-") and command not in WITHOUT_TABLES:
        problem = _unmigrated()
        if problem:
            sys.stderr.write(problem + "\n")
            sys.exit(1)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tertial", *argv])


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

    django.setup()
    own = sorted(name for name, app in get_commands().items() if app == "tertial.cli")
    names = {command: " ".join(words) for words, command in TWO_WORD_COMMANDS.items()}
    lines = ["tertial: follow-up of goals, indicators and economy", "", "Commands:"]
    for command in own:
        if command.startswith("_"):
            continue
        help_text = load_command_class("tertial.cli", command).help.split("\n")[0]
        lines.append(f"  {names.get(command, command):<20} {help_text}")
    lines += [
        "",
        "tertial COMMAND --help says more about a command. Django's own commands",
        "(migrate, createsuperuser, …): tertial help --all.",
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
        return f"tertial cannot start: {error}"
    return None


def _unmigrated() -> str | None:
    """One sentence on what to run when the configured database lacks tertial's tables."""
    import django
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"tertial cannot open the database ({error}); check TERTIAL_DATABASE_URL."
    if not pending:
        return None
    where = settings.DATABASES["default"].get("NAME") or "the configured database"
    return (
        f"The database {where} is not ready for tertial ({len(pending)} migrations to apply): "
        "run `tertial migrate` first (or `tertial demo` for the example on a database of its own)."
    )

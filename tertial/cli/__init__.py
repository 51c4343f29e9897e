"""The ``tertial`` command.

Each sub-command is a management command of this app (``tertial/cli/management/commands``)
of the same name (``tertial load`` runs ``load``), a thin call of the ingestion's or the
domain's functions, so the CLI, the web views and the tests share one set of them.
Two-word commands of the documented CLI (``tertial import ledger``) map to one management
command (``import_ledger``).
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


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tertial.settings")
    if argv[:1] == ["demo"]:
        _use_demo_database()
    if len(argv) >= 2 and (argv[0], argv[1]) in TWO_WORD_COMMANDS:
        argv = [TWO_WORD_COMMANDS[(argv[0], argv[1])], *argv[2:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tertial", *argv])


def _use_demo_database() -> None:
    """The demo runs on an SQLite file of its own, whatever database is configured.

    The demo command empties it before loading (not here, so that `tertial demo --help`
    leaves an earlier demo's database alone).
    """
    os.environ["TERTIAL_DATABASE_URL"] = f"sqlite:///{Path.cwd() / DEMO_DATABASE}"

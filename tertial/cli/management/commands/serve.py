"""``tertial serve``: the web app on gunicorn, with a worker for background tasks."""

import os
import subprocess
import sys

from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from gunicorn.app.base import BaseApplication

from tertial.cli.command import TertialCommand
from tertial.economy.services.jobs import clean_up_interrupted_imports


class _Gunicorn(BaseApplication):
    def __init__(self, application, options: dict):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class Command(TertialCommand):
    help = gettext_lazy(
        "Startar webbappen (gunicorn) och bredvid den en arbetsprocess för bakgrundsuppgifter."
    )

    def add_arguments(self, parser):
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
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            metavar=gettext_lazy("ANTAL"),
            help=gettext_lazy(
                "antal serverprocesser; en per kärna använder hela datorn (standard: %(default)s)"
            ),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=2,
            metavar=gettext_lazy("ANTAL"),
            help=gettext_lazy(
                "trådar per process (standard: %(default)s). Sidorna är beräkningar i Python, som "
                "en process kör en tråd i taget: fler trådar delar bara på kärnan och gör varje "
                "sida de överlappar långsammare, så att de långsammaste sidorna väntar längst; en "
                "andra tråd arbetar medan den första väntar på databasen över nätverket "
                "(PostgreSQL). Mätt i docs/deployment.md."
            ),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=gettext_lazy(
                "starta ingen arbetsprocess för bakgrundsuppgifter (kör `tertial db_worker` på "
                "annat håll)"
            ),
        )

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        from tertial.wsgi import application

        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write(_("Databasen är inte uppdaterad: kör först `tertial migrate`."))
            sys.exit(1)
        # An import killed with the server it ran in is marked failed, its files removed.
        clean_up_interrupted_imports()
        # Processes forked by gunicorn must not share the parent's database connection.
        connections.close_all()
        worker = None
        if not no_worker:
            # Imports and report rendering run as tasks; the worker is a process of its own
            # so that the web processes stay stateless and can be many.
            worker = subprocess.Popen(
                [sys.executable, "-m", "tertial.cli", "db_worker", "--interval", "1"],
                stdout=subprocess.DEVNULL,
            )
        display_host = f"[{host}]" if ":" in host else host
        self.stdout.write(
            _("tertial svarar på %(url)s  (Ctrl-C avslutar)")
            % {"url": f"http://{display_host}:{port}/"}
        )
        self.stdout.flush()
        try:
            _Gunicorn(
                application,
                {
                    "bind": f"{display_host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "worker_class": "gthread",
                    "preload_app": True,
                    "accesslog": None,
                    "errorlog": "-",
                    "loglevel": "warning",
                    "timeout": 120,
                },
            ).run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

"""``tertial serve``: the web app on waitress, with a worker for background tasks."""

import subprocess
import sys

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "Serve the web application (waitress) and run a background task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a task worker (run `tertial db_worker` elsewhere).",
        )

    def handle(self, *args, host, port, threads, no_worker, **options):
        from waitress import serve

        from tertial.wsgi import application

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("The database is not up to date: run `tertial migrate` first.")
            sys.exit(1)
        connection.close()
        worker = None
        if not no_worker:
            # Imports and report rendering run as tasks; the worker is a process of its own
            # so that the web processes stay stateless and can be many.
            worker = subprocess.Popen(
                [sys.executable, "-m", "tertial.cli", "db_worker", "--interval", "1"],
                stdout=subprocess.DEVNULL,
            )
        display_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"tertial serves on http://{display_host}:{port}/  (Ctrl-C stops)")
        try:
            serve(application, host=host, port=port, threads=threads, ident="tertial")
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

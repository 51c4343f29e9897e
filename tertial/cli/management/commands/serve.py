"""``tertial serve``: the web app on gunicorn, with a worker for background tasks."""

import os
import subprocess
import sys

from django.core.management.base import BaseCommand
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication

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


class Command(BaseCommand):
    help = "Serve the web application (gunicorn) and run a background task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Server processes; one per core uses the whole machine (default).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=2,
            help=(
                "Threads per process (default 2). The pages are CPU-bound Python, which a process "
                "runs one thread at a time: more threads only share the core and stretch every "
                "page they overlap, so the slowest pages wait longest; a second thread works "
                "while the first waits on the database over the network (PostgreSQL). "
                "Measured in docs/deployment.md."
            ),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a task worker (run `tertial db_worker` elsewhere).",
        )

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        from tertial.wsgi import application

        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("The database is not up to date: run `tertial migrate` first.")
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
        self.stdout.write(f"tertial serves on http://{display_host}:{port}/  (Ctrl-C stops)")
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

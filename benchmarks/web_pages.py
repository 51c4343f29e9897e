"""What each page costs in process (issue 6, item 10), to find where the load benchmark's time goes.

Builds the synthetic municipality as ``web_load.py`` does (20 administrations, 2 000 units) in
a new SQLite file and requests the dashboard, units' pages and goals' pages with Django's test
client, logged in as the administrations' controllers. Per page it prints the median CPU time
of one request and its queries, in three states:

- nothing kept: every kept page part dropped first (as after a write in the administration);
- first view: only the administration's shared parts kept (its dashboard was just shown), as a
  unit's or a goal's page the process has not shown since the last write;
- kept: the same page again (a dashboard's first view is kept: it is the shared part).

The test client neither opens database connections nor speaks HTTP: ``web_load.py`` measures
the server with those.

    .venv/bin/python benchmarks/web_pages.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATES = ("nothing kept", "first view", "kept")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--administrations", type=int, default=20)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200, help="per page and state")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tertial-pages-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tertial.settings",
            "TERTIAL_DATABASE_URL": f"sqlite:///{workdir / 'pages.sqlite3'}",
            "TERTIAL_DATA_DIR": str(workdir / "data"),
            "TERTIAL_SECRET_KEY": secrets.token_urlsafe(50),
            "TERTIAL_ALLOWED_HOSTS": "testserver",
            "TERTIAL_LOG_LEVEL": "ERROR",
        }
    )
    (workdir / "data" / "static").mkdir(parents=True)
    sys.path.insert(0, str(REPO))
    try:
        measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(args: argparse.Namespace, workdir: Path) -> None:
    from web_load import PAGES, prepare

    accounts = prepare(args, workdir)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tertial.platform import cache

    clients = []
    for account in accounts:
        client = Client()
        client.force_login(get_user_model().objects.get(username=account.username))
        clients.append((client, account))
    rng = random.Random(args.seed)

    def timed(client: Client, url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            began = time.thread_time()
            response = client.get(url)
            elapsed = (time.thread_time() - began) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed, len(queries)

    for client, account in clients[:3]:  # imports, templates, first connections
        for page in PAGES:
            client.get(account.urls[page][0])
    header = "".join(f"{state:>22}" for state in STATES)
    print(f"{'page':<10} {header}   (median CPU ms, queries)")
    for page in PAGES:
        results: dict[str, list[tuple[float, int]]] = {state: [] for state in STATES}
        for _ in range(args.requests):
            client, account = rng.choice(clients)
            url = rng.choice(account.urls[page])
            cache.parts.clear()
            results["nothing kept"].append(timed(client, url))
            cache.parts.clear()
            client.get(account.urls["dashboard"][0])
            results["first view"].append(timed(client, url))
            results["kept"].append(timed(client, url))
        cells = []
        for state in STATES:
            times = [elapsed for elapsed, _ in results[state]]
            queries = statistics.median(count for _, count in results[state])
            cells.append(f"{statistics.median(times):>12.1f} ms {queries:>4.0f} q")
        print(f"{page:<10} " + "".join(f"{cell:>22}" for cell in cells), flush=True)


if __name__ == "__main__":
    main()

"""Load benchmark of the web application (issue 6, item 10).

Builds the synthetic municipality (benchmarks/synthetic.py: 20 administrations, 2 000 units,
written as organisation folders and loaded with ``tertial load``'s loader) in a fresh database,
gives each administration a controller, starts ``tertial serve`` on a free loopback port and
lets 20 concurrent clients, each logged in as one controller, request the period's dashboard,
a unit's page and a goal's page of their administration for a bounded time and count.
Prints per page the count, median, 95th percentile and maximum in milliseconds, and last
``web load: p95 X ms over N requests (20 clients)``. Goal on the project's machine: p95 < 200 ms.

    .venv/bin/python benchmarks/web_load.py [--duration 25] [--clients 20]
    .venv/bin/python benchmarks/web_load.py --database-url postgresql://postgres@127.0.0.1/empty_db

A --database-url must name an empty database: it is migrated and filled here.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
PERIOD_KEY = "2020-08"
PAGES = ("dashboard", "unit", "goal")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--administrations", type=int, default=20)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=25.0, help="seconds of measuring")
    parser.add_argument("--max-requests", type=int, default=20000, help="stop after this many")
    parser.add_argument(
        "--threads", type=int, help="threads per server process (default: tertial serve's)"
    )
    parser.add_argument(
        "--workers", type=int, help="server processes (default: tertial serve's, one per core)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Account:
    username: str
    password: str
    urls: dict[str, list[str]]  # page kind → paths of the account's own administration


def prepare(args: argparse.Namespace, workdir: Path) -> list[Account]:
    """Migrate, build the municipality and create a controller per administration."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse
    from synthetic import build_municipality

    from tertial.access.models import Membership
    from tertial.access.services import grant_role
    from tertial.goals.models import BoardGoal
    from tertial.organisation.models import Period

    started = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    migrated = time.perf_counter()
    municipality = build_municipality(args.administrations, args.units, seed=args.seed)
    print(
        f"database: migrate {migrated - started:.1f} s, synthetic municipality "
        f"({args.administrations} administrations, {args.units} units): "
        f"{municipality.timings()}",
        flush=True,
    )

    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # one slow hash shared by all, not one per user
    user_model = get_user_model()
    accounts = []
    for organisation in municipality.organisations:
        user = user_model.objects.create(
            username=f"controller-{organisation.slug}", password=hashed
        )
        grant_role(user, organisation, Membership.Role.CONTROLLER, actor=None)
        period = Period.objects.get(fiscal_year__organisation=organisation, key=PERIOD_KEY)
        base = {"slug": organisation.slug, "key": PERIOD_KEY}
        goals = BoardGoal.objects.filter(fiscal_year=period.fiscal_year)
        accounts.append(
            Account(
                username=user.username,
                password=password,
                urls={
                    "dashboard": [reverse("dashboard", kwargs=base)],
                    "unit": [
                        reverse("unit", kwargs={**base, "pk": pk})
                        for pk in organisation.units.values_list("pk", flat=True)
                    ],
                    "goal": [
                        reverse("goal", kwargs={**base, "pk": pk})
                        for pk in goals.values_list("pk", flat=True)
                    ],
                },
            )
        )
    connections.close_all()
    return accounts


def start_server(
    port: int, threads: int | None, workers: int | None, env: dict[str, str]
) -> subprocess.Popen:
    """``tertial serve`` as it runs by default, but for the options given."""
    command = [sys.executable, "-m", "tertial.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-worker"]
    if threads:
        command += ["--threads", str(threads)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped at start (exit status {server.returncode})")
        try:
            if requests.get(f"http://127.0.0.1:{port}/login/", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def log_in(base_url: str, account: Account) -> requests.Session:
    session = requests.Session()
    session.get(f"{base_url}/login/", timeout=30).raise_for_status()
    response = session.post(
        f"{base_url}/login/",
        data={
            "username": account.username,
            "password": account.password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base_url}/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"log-in of {account.username} failed: {response.status_code}")
    return session


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: {page: [] for page in PAGES})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def record(self, page: str, milliseconds: float, ok: bool) -> None:
        with self.lock:
            self.count += 1
            self.timings[page].append(milliseconds)
            if not ok:
                self.errors[page] += 1


def client(
    number: int,
    session: requests.Session,
    base_url: str,
    account: Account,
    results: Results,
    start: threading.Barrier,
    deadline_after: float,
    max_requests: int,
) -> None:
    rng = random.Random(number)
    try:
        # Two unmeasured rounds first, so that module imports and cold caches are not measured.
        for _ in range(2):
            for page in PAGES:
                try:
                    session.get(base_url + rng.choice(account.urls[page]), timeout=60)
                except requests.ConnectionError:
                    # A kept-alive connection the server closed while idle: once more, anew.
                    session.get(base_url + rng.choice(account.urls[page]), timeout=60)
    except BaseException:
        start.abort()  # the others would wait for this client for ever
        raise
    start.wait()
    deadline = time.monotonic() + deadline_after
    turn = number
    while time.monotonic() < deadline and results.count < max_requests:
        page = PAGES[turn % len(PAGES)]
        turn += 1
        began = time.perf_counter()
        try:
            response = session.get(base_url + rng.choice(account.urls[page]), timeout=60)
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False  # counted as an error, like a status other than 200
        results.record(page, (time.perf_counter() - began) * 1000, ok)


def service_times(session: requests.Session, base_url: str, account: Account) -> dict:
    """Each page requested alone, one after the other: the time a page takes without queueing."""
    timings: dict[str, list[float]] = {page: [] for page in PAGES}
    for round_ in range(12):
        for page in PAGES:
            urls = account.urls[page]
            began = time.perf_counter()
            session.get(base_url + urls[round_ % len(urls)], timeout=60)
            if round_ >= 2:  # the first rounds warm up
                timings[page].append((time.perf_counter() - began) * 1000)
    return timings


def connections_per_process(server: subprocess.Popen, port: int) -> list[int]:
    """How many of the clients' connections each server process holds (Linux; else []).

    A client keeps its connection alive, and with it the process that accepted it: when the
    processes hold unequal shares, the clients of the busier one wait longer."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        sockets = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                sockets.add(f"socket:[{fields[9]}]")
        counts = []
        for child in children:
            held = 0
            for fd in Path(f"/proc/{child}/fd").iterdir():
                try:
                    held += os.readlink(fd) in sockets
                except OSError:
                    pass
            counts.append(held)
        return sorted(counts, reverse=True)
    except OSError:
        return []


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tertial-load-"))
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tertial.settings",
            "TERTIAL_DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'load.sqlite3'}",
            "TERTIAL_DATA_DIR": str(workdir / "data"),
            "TERTIAL_SECRET_KEY": secrets.token_urlsafe(50),
            "TERTIAL_LOG_LEVEL": "ERROR",
        }
    )
    os.environ.update(env)
    # WhiteNoise serves static files from the finders here; an empty STATIC_ROOT keeps it quiet.
    (workdir / "data" / "static").mkdir(parents=True)
    sys.path.insert(0, str(REPO))
    server = None
    try:
        accounts = prepare(args, workdir)
        port = free_port()
        server = start_server(port, args.threads, args.workers, env)
        base_url = f"http://127.0.0.1:{port}"
        sessions = [log_in(base_url, accounts[i % len(accounts)]) for i in range(args.clients)]
        alone = service_times(sessions[0], base_url, accounts[0])
        results = Results()
        start = threading.Barrier(args.clients + 1)
        threads = [
            threading.Thread(
                target=client,
                args=(
                    i,
                    sessions[i],
                    base_url,
                    accounts[i % len(accounts)],
                    results,
                    start,
                    args.duration,
                    args.max_requests,
                ),
            )
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        spread = connections_per_process(server, port)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    every = [ms for page in PAGES for ms in results.timings[page]]
    processes = f"{args.workers} processes" if args.workers else "one process per core"
    threads = f"{args.threads} threads each" if args.threads else "tertial serve's threads"
    print(
        "one client alone, median ms: "
        + ", ".join(f"{page} {statistics.median(alone[page]):.0f}" for page in PAGES)
    )
    print(
        f"{args.clients} clients for {wall:.1f} s on loopback, "
        f"{len(every) / wall:.0f} requests/s, gunicorn: {processes}, {threads}"
    )
    if spread:
        print("client connections per server process: " + ", ".join(map(str, spread)))
    print(f"{'page':<10} {'count':>7} {'median':>8} {'p95':>8} {'max':>8} {'errors':>7}  (ms)")
    for page in PAGES:
        timings = results.timings[page]
        if not timings:
            continue
        print(
            f"{page:<10} {len(timings):>7} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f} {results.errors[page]:>7}"
        )
    errors = sum(results.errors.values())
    if errors:
        print(f"{errors} requests did not answer 200")
    print(
        f"web load: p95 {percentile(every, 0.95):.0f} ms over {len(every)} requests "
        f"({args.clients} clients)"
    )


if __name__ == "__main__":
    main()

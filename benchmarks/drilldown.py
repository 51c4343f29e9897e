"""Finding the rows behind a figure in a large ledger.

    .venv/bin/python benchmarks/drilldown.py --rows 10000000 [--database-url URL] [--runs 30]

Imports the synthetic ledger of benchmarks/ledger_import.py (same file, cached per N) into a
fresh organisation, prepares its rows for tracing as the task after an import does
(``tertial.ingest.ledger.tracing.prepare``: sorted by unit, year, month and line), then times
``rows_page`` — what the drill-down page and the API's ledger/rows call — for the first page
(100 rows), with the count and sum of all the rows behind:

- one unit's figure (January–August), a unit drawn at random each run;
- one account and month of a unit, drawn at random each run;
- the administration's total (January–August, every unit).

Prints each run's median and p95, and the last line is the summary. Goal (issue 12): under
300 ms for one unit and one account-month.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import ledger_import as bench  # noqa: E402

LAST_MONTH = 8
PAGE = 100


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    path = bench.cached_file(args.rows)
    print(f"file: {path} ({path.stat().st_size / 2**20:.0f} MiB, {args.rows} rows)", flush=True)
    work = Path(tempfile.mkdtemp(prefix="tertial-drill-"))
    bench.setup_django(args.database_url, work)
    from django.db import connection

    from tertial.economy.models import LedgerBalance
    from tertial.ingest.ledger.importer import import_ledger
    from tertial.ingest.ledger.tracing import prepare, rows_page

    print(f"database: {connection.vendor}", flush=True)
    organisation = bench.create_organisation(f"drill-{os.getpid()}-{int(time.time())}")
    random.seed(12)
    try:
        started = time.perf_counter()
        batch = import_ledger(organisation, path, mapping="unit4-agresso")
        print(f"import: {time.perf_counter() - started:.2f} s", flush=True)
        started = time.perf_counter()
        prepare(batch)
        prepare_seconds = time.perf_counter() - started
        print(f"prepared for tracing: {prepare_seconds:.2f} s", flush=True)

        units = [bench.unit_code(i) for i in range(bench.UNITS)]
        pairs = list(
            LedgerBalance.objects.filter(
                organisation=organisation, year=bench.YEAR, month__lte=LAST_MONTH
            )
            .values_list("unit__code", "account__number", "month")
            .distinct()[:20000]
        )
        months = list(range(1, LAST_MONTH + 1))
        found: dict[str, int] = {}

        def unit_figure() -> None:
            page = rows_page(
                organisation, bench.YEAR, months, unit_code=random.choice(units), limit=PAGE
            )
            found["unit"] = page.count

        def account_month() -> None:
            unit, account, month = random.choice(pairs)
            page = rows_page(
                organisation, bench.YEAR, month, unit_code=unit, account=account, limit=PAGE
            )
            found["account-month"] = page.count

        def total() -> None:
            found["total"] = rows_page(organisation, bench.YEAR, months, limit=PAGE).count

        results = {}
        for name, function in [
            ("one unit's figure", unit_figure),
            ("one account-month", account_month),
            ("the administration's total", total),
        ]:
            times = timed(function, args.runs)
            results[name] = (statistics.median(times), p95(times))
            key = {"one unit's figure": "unit", "one account-month": "account-month"}.get(
                name, "total"
            )
            print(
                f"{name}: median {results[name][0] * 1000:.0f} ms, "
                f"p95 {results[name][1] * 1000:.0f} ms ({found[key]} rows behind the last)",
                flush=True,
            )
    finally:
        bench.cleanup(organisation)
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"drill-down at {args.rows} rows, p95 of {args.runs} runs: "
        + ", ".join(f"{name} {p * 1000:.0f} ms" for name, (_m, p) in results.items())
        + f"; prepared in {prepare_seconds:.1f} s"
    )


if __name__ == "__main__":
    main()

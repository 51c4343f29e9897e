"""Ledger import at the scale of a large municipality, against DuckDB alone.

    .venv/bin/python benchmarks/ledger_import.py --rows 10000000 [--database-url URL]

Generates (once per N, cached in the temp directory) a synthetic Unit4-style ledger export:
about 2 000 responsibility codes each booking on 30 of 400 accounts, 12 months, activity and
project codes, free text with Swedish letters; Windows-1252, semicolons, decimal comma.
Creates a fresh organisation with those units and Kommun-Bas account ranges, imports the
file through ``tertial.ingest.ledger.importer.import_ledger`` (the real path: checksum,
reading and checking every row, aggregation, replacing the months in the database, keeping
the raw rows), and
times DuckDB alone reading the same file and aggregating it to the same monthly balances.
Then times the report tables of one administration from those data.

Without --database-url a new SQLite file in a temporary directory is used. A PostgreSQL
database given should be new for each run: the balances a run deletes at its end stay in the
table's files until a vacuum, and the next run's COPY was a third slower into them. The DuckDB
baseline and the file generation run in child processes, so the peak RSS printed is the
import's (and the report tables') own. The last line is the summary.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

UNITS = 2000
ACCOUNTS = 400
ACCOUNTS_PER_UNIT = 30
YEAR = 2025
TEXTS = [
    "Lön månadsavlönade", "Hyra lokal Åby", "Städning kontor", "Förbrukningsinventarier",
    "Licenser programvara", "Försäljning tjänster förvaltning", "Resor tåg Göteborg-Malmö",
    "Kurs och konferens", "Måltider möte", "Elförbrukning", "Representation", "Bilförmån",
    "Övertid", "Semesterlöneskuld", "Telefoni växel", "Porto och frakt",
]  # fmt: skip
# Kommun-Bas style classes: (code, name, kind, first account, last account, accounts used).
CLASSES = [
    ("sales", "Försäljning av verksamhet", "revenue", 3000, 3999, 60),
    ("purchases", "Köp av verksamhet", "cost", 4000, 4999, 60),
    ("personnel", "Personalkostnader", "cost", 5000, 5999, 120),
    ("premises", "Lokalkostnader", "cost", 6000, 6999, 100),
    ("depreciation", "Avskrivningar", "cost", 7000, 7999, 40),
    ("financial", "Finansiella poster", "financial", 8000, 8999, 20),
]
HEADER = "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text"


def unit_code(index: int) -> str:
    return str(10000 + index * 3)


def account_sql(index: str) -> str:
    """The account number of account index 0..399, spread over the classes' ranges."""
    cases, start = [], 0
    for _code, _name, _kind, first, last, used in CLASSES:
        step = (last - first + 1) // used
        cases.append(f"WHEN {index} < {start + used} THEN {first} + ({index} - {start}) * {step}")
        start += used
    return "CASE " + " ".join(cases) + " END"


def generate(rows: int, path: Path) -> None:
    """Write the synthetic ledger with DuckDB, then transcode it to Windows-1252 in chunks."""
    import duckdb

    utf8 = path.with_suffix(".utf8.tmp")
    texts = "[" + ", ".join("'" + t + "'" for t in TEXTS) + "]"
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    # Independent pseudo-random draws per row: hash of the row number offset by a multiple
    # of the row count, so the draws do not correlate.
    con.execute(
        f"""
        COPY (
          WITH r AS (
            SELECT i,
                   hash(i) % {UNITS} AS u,
                   hash(i + {rows}) % {ACCOUNTS_PER_UNIT} AS j,
                   hash(i + 2 * {rows}) % 12 + 1 AS m,
                   hash(i + 3 * {rows}) % 5000000 + 1 AS cents,
                   hash(i + 4 * {rows}) % {len(TEXTS)} + 1 AS t
            FROM range({rows}) AS s(i)),
          a AS (SELECT *, (u * 7919 + j * 104729) % {ACCOUNTS} AS k FROM r)
          SELECT {YEAR * 100} + m AS Period,
                 {account_sql("k")} AS Konto,
                 10000 + u * 3 AS Ansvar,
                 (100 + (u * 31 + k) % 90)::VARCHAR AS Verksamhet,
                 CASE WHEN (u + k) % 20 = 0 THEN 'P' || (7000 + u % 300) END AS Projekt,
                 replace(((CASE WHEN k < 60 THEN -1 ELSE 1 END) * cents / 100)
                         ::DECIMAL(18, 2)::VARCHAR, '.', ',') AS Belopp,
                 {texts}[t::BIGINT] || ' ' || (i % 9973) AS Text
          FROM a
        ) TO '{utf8}' (DELIMITER ';', HEADER, QUOTE '"')
        """
    )
    con.close()
    partial = path.with_suffix(".part")
    with (
        utf8.open("r", encoding="utf-8", newline="") as src,
        partial.open("w", encoding="cp1252", newline="") as dst,
    ):
        while chunk := src.read(1 << 24):
            dst.write(chunk)
    utf8.unlink()
    partial.replace(path)


def cached_file(rows: int) -> Path:
    directory = Path(tempfile.gettempdir()) / "tertial-benchmark"
    directory.mkdir(exist_ok=True)
    path = directory / f"ledger-{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        _in_child(generate, rows, path)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def baseline(path: Path, queue) -> None:
    """DuckDB alone: read the file and aggregate it to monthly balances."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    columns = (
        "{'Period': 'INTEGER', 'Konto': 'VARCHAR', 'Ansvar': 'VARCHAR', 'Verksamhet': 'VARCHAR',"
        " 'Projekt': 'VARCHAR', 'Belopp': 'DECIMAL(18,2)', 'Text': 'VARCHAR'}"
    )
    started = time.perf_counter()
    con.execute(
        f"""CREATE TABLE balances AS
        SELECT Period // 100 AS year, Period % 100 AS month, Ansvar, Konto,
               coalesce(Verksamhet, '') AS activity, coalesce(Projekt, '') AS project,
               sum(Belopp) AS amount
        FROM read_csv('{path}', delim = ';', header = true, encoding = 'latin-1',
                      decimal_separator = ',', columns = {columns}, auto_detect = false)
        GROUP BY ALL"""
    )
    seconds = time.perf_counter() - started
    (groups,) = con.execute("SELECT count(*) FROM balances").fetchall()[0]
    queue.put((seconds, groups))


def _in_child(function, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=function, args=(*args, queue) if function is baseline else args
    )
    process.start()
    result = queue.get() if function is baseline else None
    process.join()
    if process.exitcode:
        raise SystemExit(f"{function.__name__} failed with exit code {process.exitcode}")
    return result


def setup_django(database_url: str | None, work: Path) -> None:
    os.environ["TERTIAL_DATABASE_URL"] = database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["TERTIAL_DATA_DIR"] = str(work / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tertial.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def create_organisation(slug: str):
    from tertial.economy.models import AccountClass, AccountRange
    from tertial.organisation.models import FiscalYear, Organisation, Period, Unit

    organisation = Organisation.objects.create(
        slug=slug, name="Storstads kommun, alla förvaltningar", municipality="Storstad"
    )
    administration = Unit.objects.create(organisation=organisation, code="1", name="Förvaltningen")
    Unit.objects.bulk_create(
        Unit(
            organisation=organisation, parent=administration, code=unit_code(i), name=f"Ansvar {i}"
        )
        for i in range(UNITS)
    )
    for order, (code, name, kind, first, last, _used) in enumerate(CLASSES):
        account_class = AccountClass.objects.create(
            organisation=organisation, code=code, name=name, kind=kind, sort_order=order
        )
        AccountRange.objects.create(account_class=account_class, first=first, last=last)
    fiscal_year = FiscalYear.objects.create(organisation=organisation, year=YEAR)
    Period.objects.create(fiscal_year=fiscal_year, key=f"{YEAR}-08", kind="interim", end_month=8)
    return organisation


def report_tables(organisation) -> tuple[float, str]:
    from tertial.organisation.models import Period

    period = Period.objects.get(fiscal_year__organisation=organisation, key=f"{YEAR}-08")
    try:
        from tertial.economy.tables import full_year_forecast, operating_summary
    except ImportError:
        full_year_forecast = operating_summary = None
    started = time.perf_counter()
    what = "operating_summary + full_year_forecast"
    if operating_summary is not None:
        try:
            operating_summary(period)
            full_year_forecast(period)
        except Exception as exc:  # the tables are another part's work; time a query instead
            print(f"economy tables failed ({type(exc).__name__}: {exc})", flush=True)
            operating_summary = None
            started = time.perf_counter()
    if operating_summary is None:
        from django.db.models import Sum

        from tertial.economy.models import LedgerBalance

        list(
            LedgerBalance.objects.filter(organisation=organisation, year=YEAR, month__lte=8)
            .values("unit_id", "account__account_class_id")
            .annotate(total=Sum("amount"))
        )
        what = "a plain aggregate query per unit and account class (economy tables unusable)"
    return time.perf_counter() - started, what


def cleanup(organisation) -> None:
    from tertial.economy.models import Account, BudgetEntry, ImportBatch, LedgerBalance
    from tertial.organisation.models import Unit

    LedgerBalance.objects.filter(organisation=organisation).delete()
    BudgetEntry.objects.filter(unit__organisation=organisation).delete()
    ImportBatch.objects.filter(organisation=organisation).delete()
    Account.objects.filter(organisation=organisation).delete()
    Unit.objects.filter(organisation=organisation).exclude(parent=None).delete()
    organisation.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the organisation afterwards")
    args = parser.parse_args()

    path = cached_file(args.rows)
    size = path.stat().st_size
    # Read once, so that the baseline and the import both find the file in the page cache
    # (the machine reclaims pages left unread for a while).
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass
    print(f"file: {path} ({size / 2**20:.0f} MiB, {args.rows} rows)", flush=True)

    work = Path(tempfile.mkdtemp(prefix="tertial-bench-"))
    setup_django(args.database_url, work)
    from django.db import connection

    from tertial.economy.models import LedgerBalance
    from tertial.ingest.ledger.importer import Progress, import_ledger

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    organisation = create_organisation(f"bench-{os.getpid()}-{int(time.time())}")
    try:
        first_baseline, groups = _in_child(baseline, path)
        print(f"DuckDB alone: {first_baseline:.2f} s ({groups} monthly balances)", flush=True)

        started = time.perf_counter()

        def progress(percent: int, message: str) -> None:
            print(f"  {time.perf_counter() - started:7.2f} s {percent:3d} % {message}", flush=True)

        batch = import_ledger(
            organisation, path, mapping="unit4-agresso", progress=Progress(shown=progress)
        )
        seconds = time.perf_counter() - started
        stored = LedgerBalance.objects.filter(batch=batch).count()
        print(f"import: {seconds:.2f} s, {stored} balances stored, batch {batch.pk}", flush=True)
        if stored != groups:
            raise SystemExit(f"the import stored {stored} balances, DuckDB found {groups}")

        second_baseline, _ = _in_child(baseline, path)
        print(f"DuckDB alone again: {second_baseline:.2f} s", flush=True)
        duckdb_seconds = min(first_baseline, second_baseline)

        table_seconds, what = report_tables(organisation)
        print(f"report tables for one administration ({what}): {table_seconds:.2f} s", flush=True)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        if not args.keep:
            cleanup(organisation)
            # The kept raw rows and, on SQLite, the database.
            shutil.rmtree(work, ignore_errors=True)
    ratio = seconds / duckdb_seconds
    rate = f"{args.rows / seconds:,.0f}".replace(",", " ")
    print(
        f"ledger import: {args.rows} rows in {seconds:.1f} s ({rate} rows/s), "
        f"{ratio:.2f}× DuckDB baseline, peak RSS {peak_mib:.0f} MiB"
    )


if __name__ == "__main__":
    main()

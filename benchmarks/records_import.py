"""Record import and indicator computation at the scale of a large municipality.

    .venv/bin/python benchmarks/records_import.py --rows 5000000 [--database-url URL]

Generates (once per N, cached in the temp directory) a year of synthetic records: a contact
centre's call and chat log (half the rows: 40 queues, waits from seconds to a quarter of an
hour, one in twenty dropped, the caller's number in the file as in a real export), the IT
support's and case management's cases (a third: channels, categories, first-contact
resolution, due and delivery dates) and the supplier invoices (the rest: 3 000 suppliers,
amounts in kronor and öre, e-invoice, e-handel and contract flags), over 200 units. Imports
each file through ``tertial.ingest.records.importer.import_records`` (the real path: reading
and checking every row, pseudonymising the ids, keeping the mapped columns) and times DuckDB
alone reading the same files and counting them per unit and month. Then defines twelve
indicators over the records (counts, shares of counts and amounts, mean, median and 90th
percentile) and times computing all of them for every period of the year.

The baseline and the generation run in child processes, so the peak RSS printed is the
import's and the computation's own. The last line is the summary.
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

UNITS = 200
YEAR = 2025
QUEUES = 40
SUPPLIERS = 3000

# Each file: (name, share of the rows, mapping, the SELECT writing it from range(n) AS s(i)).
TIME = f"TIMESTAMP '{YEAR}-01-01 07:00:00' + to_seconds((hash(i) % 31536000)::BIGINT)"


def unit_code(index) -> str:
    return f"(10000 + ({index}) * 7)::VARCHAR"


FILES = {
    "contacts": (
        0.5,
        {
            "kind": "contacts", "delimiter": ";",
            "columns": {"id": "Kontakt", "queue": "Kö", "offered": "Erbjuden",
                        "answered": "Besvarad", "abandoned": "Tappad", "channel": "Kanal",
                        "unit": "Enhet"},
            "codes": {"channel": {"tel": "phone", "chatt": "chat"}},
        },
        f"""SELECT 'K' || i AS Kontakt, 'Kö ' || (hash(i + 1) % {QUEUES}) AS Kö,
                   strftime({TIME}, '%Y-%m-%d %H:%M:%S') AS Erbjuden,
                   CASE WHEN hash(i + 2) % 20 = 0 THEN NULL ELSE strftime({TIME}
                        + to_seconds((hash(i + 3) % 900)::BIGINT), '%Y-%m-%d %H:%M:%S') END
                        AS Besvarad,
                   CASE WHEN hash(i + 2) % 20 = 0 THEN 'Ja' ELSE 'Nej' END AS Tappad,
                   CASE WHEN hash(i + 4) % 10 = 0 THEN 'chatt' ELSE 'tel' END AS Kanal,
                   {unit_code(f"hash(i + 5) % {UNITS}")} AS Enhet,
                   '070-' || (hash(i + 6) % 10000000) AS Uppringare""",
    ),
    "cases": (
        0.35,
        {
            "kind": "cases", "delimiter": ";",
            "columns": {"id": "Ärende", "opened": "Registrerat", "closed": "Avslutat",
                        "channel": "Kanal", "category": "Kategori", "unit": "Enhet",
                        "first_contact": "Första kontakt", "due": "Måldatum",
                        "delivered": "Levererat"},
        },
        f"""SELECT 'Ä' || i AS Ärende, strftime({TIME}, '%Y-%m-%d %H:%M:%S') AS Registrerat,
                   strftime({TIME} + to_seconds((hash(i + 1) % 864000)::BIGINT),
                            '%Y-%m-%d %H:%M:%S') AS Avslutat,
                   ['phone', 'email', 'web', 'chat', 'visit'][(hash(i + 2) % 5 + 1)::BIGINT]
                       AS Kanal,
                   'Kategori ' || (hash(i + 3) % 30) AS Kategori,
                   {unit_code(f"hash(i + 4) % {UNITS}")} AS Enhet,
                   CASE WHEN hash(i + 5) % 3 = 0 THEN 'nej' ELSE 'ja' END AS "Första kontakt",
                   strftime({TIME} + INTERVAL 5 DAY, '%Y-%m-%d') AS Måldatum,
                   strftime({TIME} + to_days((hash(i + 6) % 8)::INTEGER), '%Y-%m-%d')
                       AS Levererat,
                   'Beskrivning av ärende ' || i AS Beskrivning""",
    ),
    "invoices": (
        0.15,
        {
            "kind": "invoices", "delimiter": ";", "decimal_separator": ",",
            "columns": {"id": "Faktura", "date": "Fakturadatum", "supplier": "Leverantör",
                        "amount": "Belopp", "unit": "Ansvar", "account": "Konto",
                        "e_invoice": "E-faktura", "e_commerce": "E-handel",
                        "contract": "Avtal"},
        },
        f"""SELECT 'F' || i AS Faktura, strftime({TIME}, '%Y-%m-%d') AS Fakturadatum,
                   'Leverantör ' || (hash(i + 1) % {SUPPLIERS}) AS Leverantör,
                   replace(((hash(i + 2) % 5000000 + 100) / 100)::DECIMAL(18,2)::VARCHAR,
                           '.', ',') AS Belopp,
                   {unit_code(f"hash(i + 3) % {UNITS}")} AS Ansvar,
                   (4000 + hash(i + 4) % 3000)::VARCHAR AS Konto,
                   CASE WHEN hash(i + 5) % 10 < 8 THEN 'ja' ELSE 'nej' END AS "E-faktura",
                   CASE WHEN hash(i + 6) % 10 < 4 THEN 'ja' ELSE 'nej' END AS "E-handel",
                   CASE WHEN hash(i + 7) % 10 < 7 THEN 'A-' || (hash(i + 1) % 500) END
                       AS Avtal""",
    ),
}  # fmt: skip

INDICATORS = {
    "samtal": {"kind": "contacts", "where": {"channel": "phone"}},
    "chattar": {"kind": "contacts", "where": {"channel": "chat"}},
    "svarsservice": {"kind": "contacts", "compute": "share", "where": {"channel": "phone"},
                     "of": {"answered_within": 120}},
    "tappade": {"kind": "contacts", "compute": "share", "of": {"abandoned": True}},
    "vantetid-median": {"kind": "contacts", "compute": "median", "value": "wait_seconds"},
    "vantetid-p90": {"kind": "contacts", "compute": "percentile", "value": "wait_seconds",
                     "percentile": 90},
    "arenden": {"kind": "cases"},
    "losningsgrad": {"kind": "cases", "compute": "share", "of": {"first_contact": True}},
    "leveranssakerhet": {"kind": "cases", "compute": "share", "of": {"on_time": True}},
    "handlaggningstid": {"kind": "cases", "compute": "mean", "value": "duration_seconds"},
    "e-faktura": {"kind": "invoices", "compute": "share", "of": {"e_invoice": True}},
    "avtalstrohet": {"kind": "invoices", "compute": "share", "share_of": "amount",
                     "of": {"under_contract": True}},
}  # fmt: skip


def generate(rows: int, directory: Path) -> None:
    import duckdb

    con = duckdb.connect()
    for kind, (share, _mapping, select) in FILES.items():
        n = int(rows * share)
        target = directory / f"{kind}-{rows}.csv"
        sql = select.replace("FROM range", "") + f" FROM range({n}) AS s(i)"
        con.execute(f"COPY ({sql}) TO '{target}.part' (DELIMITER ';', HEADER, QUOTE '\"')")
        Path(f"{target}.part").replace(target)
    con.close()


def cached_files(rows: int) -> dict[str, Path]:
    directory = Path(tempfile.gettempdir()) / "tertial-benchmark"
    directory.mkdir(exist_ok=True)
    paths = {kind: directory / f"{kind}-{rows}.csv" for kind in FILES}
    if not all(p.exists() for p in paths.values()):
        started = time.perf_counter()
        _in_child(generate, rows, directory)
        print(f"generated {len(paths)} files in {time.perf_counter() - started:.1f} s", flush=True)
    return paths


def baseline(paths: dict[str, Path], queue) -> None:
    """DuckDB alone: read each file and count its records per unit and month."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    time_column = {"contacts": "Erbjuden", "cases": "Registrerat", "invoices": "Fakturadatum"}
    unit_column = {"contacts": "Enhet", "cases": "Enhet", "invoices": "Ansvar"}
    started = time.perf_counter()
    groups = 0
    for kind, path in paths.items():
        (count,) = con.execute(
            f"""SELECT count(*) FROM (
                SELECT "{unit_column[kind]}", month(CAST("{time_column[kind]}" AS TIMESTAMP)),
                       count(*)
                FROM read_csv('{path}', delim = ';', header = true, all_varchar = true)
                GROUP BY ALL)"""
        ).fetchone()
        groups += count
    queue.put((time.perf_counter() - started, groups))


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


def create_organisation():
    from tertial.goals.models import Indicator
    from tertial.organisation.models import FiscalYear, Organisation, Period, Unit

    organisation = Organisation.objects.create(
        slug="storstad-poster", name="Storstads service", municipality="Storstad"
    )
    top = Unit.objects.create(organisation=organisation, code="1", name="Förvaltningen")
    Unit.objects.bulk_create(
        Unit(organisation=organisation, parent=top, code=str(10000 + i * 7), name=f"Enhet {i}")
        for i in range(UNITS)
    )
    fiscal_year = FiscalYear.objects.create(organisation=organisation, year=YEAR)
    for month, kind in ((4, "tertial"), (8, "interim"), (12, "annual")):
        Period.objects.create(
            fiscal_year=fiscal_year, key=f"{YEAR}-{month:02d}", kind=kind, end_month=month
        )
    for code, definition in INDICATORS.items():
        measure = "percent" if definition.get("compute") == "share" else "count"
        Indicator.objects.create(organisation=organisation, code=code, name=code, measure=measure)
    return organisation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()

    paths = cached_files(args.rows)
    size = sum(p.stat().st_size for p in paths.values())
    for path in paths.values():  # into the page cache for both the baseline and the import
        with path.open("rb") as f:
            while f.read(1 << 24):
                pass
    duck_seconds, groups = _in_child(baseline, paths)
    print(f"DuckDB alone: {duck_seconds:.2f} s ({groups} unit-months)", flush=True)

    work = Path(tempfile.mkdtemp(prefix="tertial-records-bench-"))
    try:
        setup_django(args.database_url, work)
        from tertial.ingest.records.importer import import_records
        from tertial.ingest.records.mapping import mapping_from_dict
        from tertial.records import services

        organisation = create_organisation()
        started = time.perf_counter()
        for kind, path in paths.items():
            began = time.perf_counter()
            batch = import_records(organisation, path, mapping=mapping_from_dict(FILES[kind][1]))
            print(
                f"  {kind}: {batch.row_count} records in {time.perf_counter() - began:.2f} s",
                flush=True,
            )
        import_seconds = time.perf_counter() - started
        for indicator in organisation.indicators.all():
            services.define_indicator(indicator, INDICATORS[indicator.code])
        started = time.perf_counter()
        computed = services.compute_values(organisation)
        compute_seconds = time.perf_counter() - started
        periods = 3
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"rows {args.rows}, files {size / 1e6:.0f} MB: import {import_seconds:.2f} s "
            f"({import_seconds / duck_seconds:.2f}x DuckDB alone {duck_seconds:.2f} s); "
            f"{len(INDICATORS)} indicators x {periods} periods = {computed} values in "
            f"{compute_seconds:.2f} s ({compute_seconds / periods:.2f} s a period); "
            f"peak RSS {peak:.0f} MiB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

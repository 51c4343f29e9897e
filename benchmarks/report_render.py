"""How fast the report renders: the example in each format, then a municipality of 20.

    .venv/bin/python benchmarks/report_render.py [--administrations 20] [--workers 2]

1. Loads examples/vss-2020 into a fresh SQLite file database and renders its report as
   HTML, PDF, Word and Excel, printing seconds per format: once "cold" (a fresh process; the
   charts are drawn) and once "warm" (charts already drawn, as in a running server).
   Goals: HTML < 0.5 s, PDF < 5 s, Word < 2 s.
2. Loads the example folder again under 20 slugs (adm-01 …), a synthetic municipality, and
   renders every format of every administration in a pool of worker processes (one per
   core, each with its own database connection), printing the total. Goal: < 2 minutes.
   Each administration's charts are drawn afresh: the chart cache is emptied per job, since
   the copies share the example's figures and would otherwise only be drawn once.

Wall-clock seconds are printed with the CPU seconds of the process beside them, since other
work on the machine stretches the former but not the latter.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "vss-2020"
FORMATS = ("html", "pdf", "docx", "xlsx")
GOALS = {"html": 0.5, "pdf": 5.0, "docx": 2.0}


def _setup(database: Path, data_dir: Path) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tertial.settings"
    os.environ["TERTIAL_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["TERTIAL_DATA_DIR"] = str(data_dir)
    import django

    django.setup()


def _period(slug: str):
    from tertial.organisation.models import Period

    return Period.objects.select_related("fiscal_year__organisation").get(
        fiscal_year__organisation__slug=slug, key="2020-08"
    )


def _timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _render_all(report, html: str | None = None) -> dict[str, tuple[float, float, int]]:
    """Seconds (wall, cpu) and size per format; the PDF is made from the HTML just rendered."""
    from tertial.reports.services import render

    timings = {}
    for fmt in FORMATS:
        data, wall, cpu = _timed(render, report, fmt, html=html if fmt == "pdf" else None)
        if fmt == "html":
            html = data.decode("utf-8")
        timings[fmt] = (wall, cpu, len(data))
    return timings


def _print_round(title: str, build: tuple[float, float], timings) -> None:
    print(f"\n{title}")
    print(f"  {'build (data)':<14} {build[0]:7.2f} s  (cpu {build[1]:5.2f} s)")
    for fmt, (wall, cpu, size) in timings.items():
        goal = f"   goal < {GOALS[fmt]} s" if fmt in GOALS else ""
        print(f"  {fmt:<14} {wall:7.2f} s  (cpu {cpu:5.2f} s)  {size / 1024:8.0f} KiB{goal}")


def benchmark_example() -> None:
    from tertial.reports import charts
    from tertial.reports.build import build_report

    charts.warm_up()  # matplotlib's font list, once per process
    period = _period("vss")
    for title in ("The example, cold (charts drawn)", "The example, warm (charts drawn before)"):
        report, wall, cpu = _timed(build_report, period)
        _print_round(title, (wall, cpu), _render_all(report))


# --- the municipality -------------------------------------------------------------------------


def _copy_example(target: Path, slug: str, number: int) -> Path:
    folder = target / slug
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    organisation = folder / "organisation.yaml"
    text = organisation.read_text(encoding="utf-8")
    text = text.replace("slug: vss", f"slug: {slug}", 1)
    text = text.replace("name: Verksamhetsstöd och service", f"name: Förvaltning {number:02d}", 1)
    organisation.write_text(text, encoding="utf-8")
    return folder


def _worker_init(database: str, data_dir: str) -> None:
    _setup(Path(database), Path(data_dir))
    from tertial.reports import charts

    charts.warm_up()


def _render_administration(slug: str, output: str) -> tuple[str, float, float, int]:
    from tertial.reports import charts
    from tertial.reports.build import build_report
    from tertial.reports.html import markdown_to_html
    from tertial.reports.services import render

    charts.clear_cache()
    markdown_to_html.cache_clear()
    start, cpu = time.perf_counter(), time.process_time()
    report = build_report(_period(slug))
    html = None
    size = 0
    for fmt in FORMATS:
        data = render(report, fmt, html=html if fmt == "pdf" else None)
        if fmt == "html":
            html = data.decode("utf-8")
        Path(output, f"{slug}.{fmt}").write_bytes(data)
        size += len(data)
    return slug, time.perf_counter() - start, time.process_time() - cpu, size


def benchmark_municipality(workdir: Path, database: Path, count: int, workers: int) -> None:
    from django.db import connections

    from tertial.ingest.folder import load_organisation

    folders = workdir / "folders"
    output = workdir / "output"
    output.mkdir()
    slugs = [f"adm-{n:02d}" for n in range(1, count + 1)]
    start = time.perf_counter()
    for number, slug in enumerate(slugs, start=1):
        load_organisation(_copy_example(folders, slug, number))
    print(
        f"\nSynthetic municipality: {count} administrations loaded in "
        f"{time.perf_counter() - start:.1f} s (not counted below)"
    )
    connections.close_all()  # the workers open their own connections

    start = time.perf_counter()
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_worker_init,
        initargs=(str(database), str(workdir / "data")),
    ) as pool:
        results = list(pool.map(_render_administration, slugs, [str(output)] * count))
    total = time.perf_counter() - start
    per = sorted(seconds for _, seconds, _, _ in results)
    cpu = sum(c for _, _, c, _ in results)
    size = sum(s for _, _, _, s in results)
    print(
        f"  {count} administrations × {len(FORMATS)} formats with {workers} workers: "
        f"{total:.1f} s in total   goal < 120 s\n"
        f"  per administration: median {per[len(per) // 2]:.1f} s, max {per[-1]:.1f} s; "
        f"cpu {cpu:.0f} s in all, i.e. {cpu / workers:.0f} s on {workers} otherwise idle cores; "
        f"{size / 1024 / 1024:.0f} MiB written"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--administrations", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tertial-report-bench-"))
    database = workdir / "bench.sqlite3"
    try:
        _setup(database, workdir / "data")
        from django.core.management import call_command

        from tertial.ingest.folder import load_organisation

        call_command("migrate", verbosity=0)
        load_organisation(EXAMPLE)
        print(f"Machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        benchmark_example()
        if args.administrations:
            benchmark_municipality(workdir, database, args.administrations, args.workers)
    finally:
        if args.keep:
            print(f"\nWorking folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

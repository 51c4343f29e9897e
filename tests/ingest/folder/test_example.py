"""The reference organisation (examples/vss-2020) loads, and loads again to the same rows."""

import os
import subprocess
import sys

from django.db.models import Sum

from tertial.economy.models import ImportBatch, LedgerBalance
from tertial.ingest.folder import load_folder, read_folder
from tertial.organisation.models import Unit
from tests.helpers import EXAMPLE_DIR, REPO_ROOT

from .helpers import copy_small, replace, row_counts


def test_example_is_valid():
    with read_folder(EXAMPLE_DIR) as data:
        assert data.slug == "vss"
        counts = data.counts()
    assert counts["ledger_rows"] > 1000 and counts["indicators"] > 40


def test_example_loaded_twice_has_the_same_rows(vss):
    # the session fixture has loaded it once already
    before = row_counts(("organisation", "economy", "goals", "narrative"))
    unit_pks = dict(Unit.objects.filter(organisation=vss).values_list("code", "pk"))
    total = LedgerBalance.objects.filter(organisation=vss).aggregate(s=Sum("amount"))["s"]
    result = load_folder(EXAMPLE_DIR)
    assert result.organisation.pk == vss.pk
    assert row_counts(("organisation", "economy", "goals", "narrative")) == before
    assert dict(Unit.objects.filter(organisation=vss).values_list("code", "pk")) == unit_pks
    assert LedgerBalance.objects.filter(organisation=vss).aggregate(s=Sum("amount"))["s"] == total
    batches = ImportBatch.objects.filter(organisation=vss, kind="ledger")
    assert sum(b.row_count for b in batches) == result.counts["ledger_rows"]


def _tertial(args, database: str, data_dir) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        TERTIAL_DATABASE_URL=database,
        TERTIAL_DATA_DIR=str(data_dir),
        PYTHONPATH=str(REPO_ROOT),
    )
    return subprocess.run(
        [sys.executable, "-m", "tertial.cli", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_load_command(tmp_path):
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert _tertial(["migrate", "-v0"], database, tmp_path).returncode == 0
    done = _tertial(["load", str(EXAMPLE_DIR)], database, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Verksamhetsstöd och service" in done.stdout
    assert "huvudboksrader" in done.stdout

    folder = copy_small(tmp_path)
    unit_line = replace(folder, "ledger/2021.csv", "2021;1;100;5010", "2021;1;999;5010")
    number_line = replace(folder, "ledger/2021.csv", "110 000,00", "12,3,4")
    failed = _tertial(["load", str(folder)], database, tmp_path)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    lines = failed.stderr.splitlines()
    assert any(
        line.startswith(f"ledger/2021.csv:{unit_line} [unit]: ansvarskoden '999' finns inte")
        for line in lines
    )
    assert any(line.startswith(f"ledger/2021.csv:{number_line} [amount]: ") for line in lines)
    assert "2 fel i" in failed.stderr

"""``kill -9`` during a ledger import, at several moments, on PostgreSQL (issue 14 items 7
and 9): the figures are the old ones or the new ones, never a mix, and the next start's
cleanup marks the job failed and removes the files the killed process left.

The import runs as ``tertial import ledger`` in a process of its own against the test
database, which a second process can only reach on PostgreSQL (pytest-django keeps SQLite's
test database in memory). The organisation is created and deleted by the test, outside its
transaction.
"""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from tertial.economy.models import Account, ImportBatch, ImportJob, LedgerBalance
from tertial.economy.services import jobs
from tertial.ingest.ledger.importer import import_ledger
from tertial.organisation.models import Organisation
from tests.ingest.ledger.helpers import (
    AGRESSO_HEADER,
    agresso,
    balances,
    create_organisation,
    write,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a second process cannot reach SQLite's test database",
    ),
]

SLUG = "dodad-import"


def _on_own_connection(work):
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _remove():
    for organisation in Organisation.objects.filter(slug=SLUG):
        LedgerBalance.objects.filter(organisation=organisation).delete()
        ImportJob.objects.filter(organisation=organisation).delete()
        ImportBatch.objects.filter(organisation=organisation).delete()
        Account.objects.filter(organisation=organisation).delete()
        organisation.delete()


@pytest.mark.parametrize("after", [1.0, 2.5, 4.0, 6.0])
def test_an_import_killed_at_any_moment_leaves_old_or_new_and_is_cleaned_up(
    tmp_path, settings, after
):
    settings.DATA_DIR = tmp_path / "data"
    old = [AGRESSO_HEADER] + [f"2020{m:02d};5010;1100;;;{m}00,00;Gammal" for m in range(1, 13)]
    new = [AGRESSO_HEADER] + [
        f"2020{m:02d};5010;{unit};A{i};;1,00;Ny"
        for m in range(1, 13)
        for unit in ("1100", "2100", "3100")
        for i in range(3000)
    ]
    path = write(tmp_path / "ny.csv", new)

    def prepare():
        organisation = create_organisation(SLUG)
        import_ledger(organisation, write(tmp_path / "gammal.csv", old), mapping=agresso())
        return organisation, balances(organisation)

    try:
        organisation, before = _on_own_connection(prepare)
        database = connection.settings_dict
        environment = {
            **os.environ,
            "TERTIAL_DATABASE_URL": (
                f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "TERTIAL_DATA_DIR": str(settings.DATA_DIR),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tertial.cli", "import_ledger", str(path), "--org", SLUG,
             "--replace"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(after)
        process.kill()
        process.wait(30)

        def after_the_kill():
            stored = balances(organisation)
            cleaned = jobs.clean_up_interrupted_imports()
            job = ImportJob.objects.filter(organisation=organisation).first()
            return stored, cleaned, job

        stored, cleaned, job = _on_own_connection(after_the_kill)
        assert stored == before or (
            len(stored) == 3 * 3000 * 12 and sum(stored.values()) == 108_000
        )
        if job is not None:  # killed before it made its job, there is none
            assert job.status in (ImportJob.Status.FAILED, ImportJob.Status.DONE)
            if stored == before:
                assert job.status == ImportJob.Status.FAILED
        raw = settings.DATA_DIR / "raw"
        left = [p.name for p in raw.iterdir() if p.name.startswith(("import-", "store-"))]
        assert left == [], left
    finally:
        _on_own_connection(_remove)

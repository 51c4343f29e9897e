"""The import's progress as a page sees it: from another connection, while the import runs.

The job's row is written between the steps outside the import's transaction, each write
committed at once; the steps of storing, inside the transaction, reach only the progress
bar. A thread runs the import; at every step it reports, it waits until a second thread,
with a database connection of its own, has read the job's progress.

A transactional test: what a test transaction held, another connection could not see (and
SQLite's shared in-memory test database would not let it write beside it).
"""

import queue
import threading

import pytest
from django.db import OperationalError, connection

from tertial.economy.models import ImportJob
from tertial.economy.services import jobs
from tertial.economy.services.jobs import create_import_job
from tertial.ingest.tasks import execute_job
from tests.ingest.ledger.helpers import AGRESSO_HEADER, write

LINES = [
    AGRESSO_HEADER,
    # "1 234,50" is not written plainly: the file takes the exact path, with more steps
    "202001;5010;1100;;;1 234,50;Lön",
    "202002;5010;2100;;;50,00;Lön",
]


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_example")]


def in_thread(function):
    """``function()`` in a thread of its own, with its own database connection."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as exc:  # handed to the caller
            outcome.append((False, exc))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    [(ok, value)] = outcome
    if not ok:
        raise value
    return value


class Reader(threading.Thread):
    """Reads the job's progress through its own database connection whenever asked."""

    def __init__(self, job_pk: int):
        super().__init__(daemon=True)
        self.job_pk = job_pk
        self.asked: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()

    def run(self) -> None:
        try:
            while self.asked.get():
                self.answers.put(self._progress())
        finally:
            connection.close()

    def _progress(self) -> int | None:
        try:
            return ImportJob.objects.values_list("progress", flat=True).get(pk=self.job_pk)
        except OperationalError:
            # SQLite's shared in-memory test database locks what a writing transaction
            # holds (the schema too, while the import suspends the balance table's
            # triggers): not seen, and not a value either.
            return None

    def read(self) -> int | None:
        self.asked.put(True)
        return self.answers.get(timeout=30)

    def stop(self) -> None:
        self.asked.put(False)
        self.join(timeout=30)


def test_progress_is_seen_from_another_connection_while_the_import_runs(org, tmp_path, monkeypatch):
    path = write(tmp_path / "hb.csv", LINES)
    job = create_import_job(org, path, kind="ledger", mapping="unit4-agresso")
    written: list[tuple[int, bool]] = []
    write_progress = jobs.report_import_progress

    def report_import_progress(job, percent, message):
        written.append((percent, connection.in_atomic_block))
        write_progress(job, percent, message)

    monkeypatch.setattr(jobs, "report_import_progress", report_import_progress)
    reader = Reader(job.pk)
    reader.start()
    steps: list[tuple[int, bool, int | None]] = []

    def shown(percent: int, message: str) -> None:
        steps.append((percent, connection.in_atomic_block, reader.read()))

    try:
        finished = in_thread(lambda: execute_job(job, progress=shown))
        last_seen = reader.read()
    finally:
        reader.stop()
    assert finished.status == ImportJob.Status.DONE
    assert last_seen == 100
    # never written inside a transaction, where no other connection could see it
    assert written == [(percent, False) for percent in (0, 10, 40, 45, 60, 75, 100)]

    outside = [(percent, seen) for percent, inside, seen in steps if not inside]
    inside = [(percent, seen) for percent, inside, seen in steps if inside]
    # every step outside the transaction is seen as it happens, the steps between too
    assert [percent for percent, _ in outside] == [0, 10, 40, 45, 60, 75, 100]
    assert [seen for _, seen in outside] == [percent for percent, _ in outside]
    # inside, the other connection still sees the last step before the transaction
    assert [percent for percent, _ in inside] == [80, 90, 95]
    assert {seen for _, seen in inside} <= {75, None}
    if connection.vendor == "postgresql":
        assert [seen for _, seen in inside] == [75, 75, 75]

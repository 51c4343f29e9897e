"""An import stopped at any of its steps leaves the old figures or the new, never a mix,
and nothing of itself behind (issue 14 item 9). The stop is a BaseException, as a signal
ending the process unwinds it; a kill -9 unwinds nothing, and the database's transaction
and ``tertial cleanup_imports`` (tested beside the jobs) answer for that."""

import pytest

from tertial.economy.models import ImportBatch
from tertial.ingest.ledger.importer import Progress, import_ledger
from tests.ingest.ledger.helpers import AGRESSO_HEADER, agresso, balances, write

OLD = [AGRESSO_HEADER] + [f"2020{m:02d};5010;1100;;;{m}00,00;Gammal" for m in range(1, 4)]
NEW = [AGRESSO_HEADER] + [f"2020{m:02d};5010;1100;A{m};;{m}11,00;Ny" for m in range(1, 4)]
NEW += ["202001;6010;2100;;;5,00;Ny"]


class Stopped(BaseException):
    """The process being stopped."""


def _steps(org, tmp_path) -> list[int]:
    seen: list[int] = []
    import_ledger(
        org,
        write(tmp_path / "probe.csv", NEW),
        mapping=agresso(),
        progress=Progress(shown=lambda percent, message: seen.append(percent)),
    )
    return sorted(set(seen))


def test_every_step_of_an_import_is_a_place_to_stop_it(org, tmp_path):
    assert len(_steps(org, tmp_path)) >= 5


@pytest.mark.parametrize("nth", range(8))
def test_an_import_stopped_at_any_step_leaves_old_or_new_and_no_files(org, tmp_path, nth):
    import_ledger(org, write(tmp_path / "old.csv", OLD), mapping=agresso())
    old = balances(org)
    batches = ImportBatch.objects.count()
    raw = tmp_path / "data" / "raw"
    kept = {p.name for p in raw.iterdir()}
    steps: list[int] = []

    def stop(percent, message):
        steps.append(percent)
        if len(steps) == nth + 1:
            raise Stopped(message)

    try:
        import_ledger(
            org, write(tmp_path / "new.csv", NEW), mapping=agresso(), progress=Progress(shown=stop)
        )
    except Stopped:
        pass
    stored = balances(org)
    if stored == old:
        assert ImportBatch.objects.count() == batches
    else:  # stopped after its transaction committed, or not stopped at all
        assert len(stored) == 4 and sum(stored.values()) == 111 + 211 + 311 + 5
        assert ImportBatch.objects.count() == batches + 1
    left = {p.name for p in raw.iterdir()} - kept
    assert not [name for name in left if name.startswith(("import-", "store-"))], left
    batch_ids = {str(pk) for pk in ImportBatch.objects.values_list("pk", flat=True)}
    assert {name.split(".")[0] for name in left} <= batch_ids, left

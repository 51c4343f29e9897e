"""The per-organisation cache: versions that only writers raise, and parts kept under them."""

import datetime
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tertial.organisation.models import Organisation, Unit
from tertial.platform import cache
from tertial.platform.models import CacheVersion

pytestmark = pytest.mark.django_db


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def _version_queries(queries) -> int:
    return sum(CacheVersion._meta.db_table in query["sql"] for query in queries)


def test_a_bump_raises_its_organisations_version_and_no_other(vss, versions):
    cache.bump(vss.pk)
    cache.bump_shared()
    before = versions()
    cache.bump(vss.pk)
    after = versions()
    assert after[vss.pk] > before[vss.pk]
    assert {scope: v for scope, v in after.items() if scope != vss.pk} == {
        scope: v for scope, v in before.items() if scope != vss.pk
    }
    cache.bump_shared()
    assert versions()[cache.SHARED] > after[cache.SHARED]


def test_a_database_emptied_and_migrated_again_repeats_no_version(versions):
    cache.bump(41)
    cache.bump(41)
    held = versions()[41]  # what a running process may still keep parts under
    CacheVersion.objects.all().delete()
    cache.bump(41)
    assert versions()[41] > held


def test_a_version_rises_though_the_clock_goes_back(monkeypatch, versions):
    cache.bump(42)
    first = versions()[42]
    monkeypatch.setattr(time, "time_ns", lambda: 0)
    cache.bump(42)
    assert versions()[42] == first + 1


def test_a_rolled_back_bump_leaves_the_version(vss, versions):
    cache.bump(vss.pk)
    before = versions()
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.bump(vss.pk)
        raise RuntimeError
    assert versions() == before


def test_nothing_is_kept_inside_a_transaction(vss):
    # Tests run inside one; so does a service that could still roll back.
    cache.bump(vss.pk)
    compute = _counter()
    with transaction.atomic():
        cache.cached(vss.pk, "k", compute)
        assert cache.cached(vss.pk, "k", compute) == 2


def test_an_organisation_without_a_version_keeps_nothing(keeping):
    CacheVersion.objects.filter(scope=43).delete()
    compute = _counter()
    cache.cached(43, "k", compute)
    assert cache.cached(43, "k", compute) == 2


def test_a_part_is_kept_per_organisation_version_shared_version_language_and_date(
    vss, keeping, monkeypatch
):
    other = Organisation.objects.create(slug="annan", name="Annan", municipality="Linköping")
    cache.bump(vss.pk)
    compute = _counter()
    assert cache.cached(vss.pk, "k", compute) == 1
    assert cache.cached(vss.pk, "k", compute) == 1
    assert cache.cached(other.pk, "k", compute) == 2  # each organisation its own parts
    with translation.override("en"):
        assert cache.cached(vss.pk, "k", compute) == 3
    cache.bump(other.pk)
    assert cache.cached(vss.pk, "k", compute) == 1  # another organisation's write
    cache.bump(vss.pk)
    assert cache.cached(vss.pk, "k", compute) == 4
    cache.bump_shared()
    assert cache.cached(vss.pk, "k", compute) == 5
    assert cache.cached(vss.pk, "other", compute) == 6
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)
    assert cache.cached(vss.pk, "k", compute) == 7  # deadlines turn overdue at midnight


def test_each_caller_gets_its_own_copy_of_a_kept_object(vss, keeping):
    cache.bump(vss.pk)

    def first_unit():
        return Unit.objects.filter(organisation=vss).select_related("organisation").first()

    mine = cache.cached_copy(vss.pk, "k", first_unit)
    mine.name = "Ändrad"
    mine.organisation.name = "Ändrad"
    theirs = cache.cached_copy(vss.pk, "k", first_unit)
    assert theirs.pk == mine.pk
    assert theirs.name != "Ändrad" and theirs.organisation.name != "Ändrad"


def _in_request(method: str, view):
    """``view()`` run as a request of ``method`` through the middleware."""
    from django.test import RequestFactory

    request = RequestFactory().generic(method, "/")
    return cache.RequestVersionMiddleware(lambda _request: view())(request)


def test_a_get_reads_an_organisations_versions_once_and_keeps_them_to_its_end(vss, keeping):
    # What the request shows is consistent: a write committed while it runs shows at the
    # next request, never halfway through this one.
    cache.bump(vss.pk)
    compute = _counter()

    def view():
        with CaptureQueriesContext(connection) as queries:
            first = cache.cached(vss.pk, "k", compute)
            cache.bump(vss.pk)
            second = cache.cached(vss.pk, "k", compute)
        return first, second, _version_queries(queries)

    assert _in_request("GET", view) == (1, 1, 2)  # one read and the bump
    assert cache.cached(vss.pk, "k", compute) == 2


def test_a_post_reads_the_versions_at_each_call(vss, keeping):
    cache.bump(vss.pk)
    compute = _counter()

    def view():
        first = cache.cached(vss.pk, "k", compute)
        cache.bump(vss.pk)
        return first, cache.cached(vss.pk, "k", compute)

    assert _in_request("POST", view) == (1, 2)


def test_the_query_finding_an_organisation_reads_its_versions_for_the_request(vss, keeping):
    cache.bump(vss.pk)
    compute = _counter()

    def view():
        with CaptureQueriesContext(connection) as queries:
            found = cache.find_organisation_id(Organisation.objects.filter(slug="vss"))
            cache.cached(found, "k", compute)
        return found, len(queries), _version_queries(queries)

    assert _in_request("GET", view) == (vss.pk, 1, 1)
    assert cache.find_organisation_id(Organisation.objects.filter(slug="ingen")) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer anyway")
def test_writers_queue_at_their_own_organisations_version_only():
    # Each thread has a connection of its own, outside the test's transaction: every write
    # here is rolled back, so nothing outlives the test.
    held = threading.Event()
    done = threading.Event()
    outcome = {}

    def first_writer():
        try:
            with transaction.atomic():
                cache.bump(1001)
                held.set()
                done.wait(10)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def second_writer(scope):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '300ms'")
                try:
                    cache.bump(scope)
                    outcome[scope] = "bumped"
                except OperationalError as error:
                    outcome[scope] = str(error)
                transaction.set_rollback(True)
        finally:
            connection.close()

    writer = threading.Thread(target=first_writer)
    writer.start()
    try:
        assert held.wait(10)
        for scope in (1002, 1001):
            other = threading.Thread(target=second_writer, args=(scope,))
            other.start()
            other.join(10)
    finally:
        done.set()
        writer.join(10)
    assert outcome[1002] == "bumped"
    assert "lock timeout" in outcome[1001]

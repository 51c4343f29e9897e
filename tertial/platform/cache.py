"""Page parts kept per process under the version of the organisation they belong to.

A page part (a dashboard's tables, a goal's indicator table, the period a page names) depends
on one organisation's data, on the data every organisation's pages show but that belongs to
none (user names, Kolada's national values: the shared scope), on the language and on the
date. Computing one costs tens of milliseconds; reading the two versions it depends on costs a
fraction of one. Each writer raises the version of the organisation it writes for inside its
own transaction (``bump``): every service through its audit entry
(``tertial.audit.log.record``), the admin and any other ORM save through the signals the
domain apps connect with ``watch``. A part is kept under the versions read before the page read
any data, so it is never older than the data committed then; after a write in its
organisation, or in the shared scope, the versions differ and the part is computed again. A
write in one organisation leaves every other organisation's parts alone. Nothing is shared
between processes.

A GET or HEAD request (``RequestVersionMiddleware``) reads an organisation's versions once, in
the query that finds the organisation (``find_organisation_id``) or else at its first
``cached()`` call for that organisation, and keeps every part of that organisation under them;
such a request writes no version. Other requests, and code outside a request, read the
versions at each call.

Writers of one organisation queue at its version row from their first bump to their commit
(PostgreSQL's row lock; SQLite has a single writer anyway); writers of different organisations
do not wait for each other here.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from tertial.platform.models import CacheVersion

T = TypeVar("T")
# The scope of the data that belongs to no organisation; organisations' ids start at 1.
SHARED = 0
_TABLE = CacheVersion._meta.db_table
# An organisation's version and the shared scope's; None where the organisation has none yet.
Versions = tuple[int, int] | None


def bump(organisation_id: int) -> None:
    """Raise the organisation's version: call it in the transaction that writes its data."""
    _bump(organisation_id)


def bump_shared() -> None:
    """Raise the version of the data that belongs to no organisation (users, Kolada's values)."""
    _bump(SHARED)


def _bump(scope: int) -> None:
    # A version never falls behind the clock (µs): a database emptied and migrated again must
    # not repeat a version that a running process may still keep parts under.
    table = connection.ops.quote_name(_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, value) VALUES (%s, %s) ON CONFLICT (scope) DO UPDATE "
            f"SET value = CASE WHEN {table}.value < excluded.value THEN excluded.value "
            f"ELSE {table}.value + 1 END",
            [scope, time.time_ns() // 1000],
        )


def _read(organisation_id: int) -> Versions:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, value FROM {connection.ops.quote_name(_TABLE)} WHERE scope IN (%s, %s)",
            [organisation_id, SHARED],
        )
        found = dict(cursor.fetchall())
    if organisation_id not in found:
        # Never bumped (rows written in bulk and nothing else yet): nothing to key parts by.
        return None
    return found[organisation_id], found.get(SHARED, 0)


# ---- Who bumps: signals for writes that are not a service's ---------------------------------


def watch(*models: type[Model], shared: bool = False, deletes: bool = True) -> None:
    """Bump on every save, delete and many-to-many change of the models' instances: the version
    of ``instance.organisation_id``, or with ``shared`` the shared scope's.

    ``deletes=False`` for tables written only in bulk by writers that bump themselves: a
    delete signal would make Django fetch every row a bulk delete removes."""
    changed = _shared_changed if shared else _changed
    for model in models:
        post_save.connect(changed, sender=model)
        if deletes:
            post_delete.connect(changed, sender=model)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_links_changed, sender=field.remote_field.through)


_muted: ContextVar[bool] = ContextVar("tertial_cache_signals_muted", default=False)


@contextmanager
def bumped_by_writer() -> Iterator[None]:
    """A block whose writer bumps every scope it writes itself (its audit entries do): the
    signals of the block's saves and deletes bump nothing.

    For writers of many rows at once (the folder loader): through the signals, each row a
    delete removes would cost a query for its organisation and one for the bump."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _changed(sender, instance, **kwargs) -> None:
    if _muted.get():
        return
    organisation_id = instance.organisation_id
    if organisation_id is not None:
        bump(organisation_id)


def _shared_changed(sender, instance, **kwargs) -> None:
    if not _muted.get():
        bump_shared()


def _links_changed(sender, instance, action, **kwargs) -> None:
    # ``instance`` is the object on either side of the link; both belong to one organisation.
    if action in {"post_add", "post_remove", "post_clear"}:
        _changed(sender, instance)


# ---- Reading: the parts kept per process ----------------------------------------------------


class _Parts:
    """A small least-recently-used store; entries of old versions fall out by themselves."""

    def __init__(self, size: int = 4096):
        self.size = size
        self.entries: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable):
        with self.lock:
            value = self.entries.get(key, _MISSING)
            if value is not _MISSING:
                self.entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_MISSING = object()
parts = _Parts()
# The versions a GET or HEAD request read, by organisation id; None outside such a request.
_request_versions: ContextVar[dict[int, Versions] | None] = ContextVar(
    "tertial_cache_versions", default=None
)


class RequestVersionMiddleware:
    """One read of an organisation's versions for all the parts a GET or HEAD request keeps
    of it, instead of one read per part."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        token = _request_versions.set({})
        try:
            return self.get_response(request)
        finally:
            _request_versions.reset(token)


def _versions(organisation_id: int) -> Versions:
    known = _request_versions.get()
    if known is None:
        return _read(organisation_id)
    if organisation_id not in known:
        known[organisation_id] = _read(organisation_id)
    return known[organisation_id]


def find_organisation_id(organisations: QuerySet) -> int | None:
    """The primary key of the first of ``organisations`` (a queryset whose primary keys are
    organisation ids), None when empty. In a GET or HEAD request the organisation's versions
    are read by the same query and kept for the request, as ``cached()`` would read them."""
    row = (
        organisations.annotate(
            cache_version=Subquery(
                CacheVersion.objects.filter(scope=OuterRef("pk")).values("value")
            ),
            cache_shared_version=Subquery(
                CacheVersion.objects.filter(scope=SHARED).values("value")
            ),
        )
        .values_list("pk", "cache_version", "cache_shared_version")
        .first()
    )
    if row is None:
        return None
    pk, version, shared_version = row
    known = _request_versions.get()
    if known is not None and pk not in known:
        known[pk] = None if version is None else (version, shared_version or 0)
    return pk


def cached(organisation_id: int, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` kept under the organisation's and the shared scope's versions, the
    language and today's date.

    The result must depend on nothing but the organisation's data, the shared data and
    ``key`` (no user, no request), and is shared: callers only read it."""
    if _in_transaction():
        # Inside a transaction the versions may include its own uncommitted bumps, and the
        # data its uncommitted writes, which a rollback would take back.
        return compute()
    versions = _versions(organisation_id)
    if versions is None:
        return compute()
    full_key = (
        organisation_id,
        *versions,
        translation.get_language(),
        # Deadlines turn into "overdue" at midnight without any write.
        timezone.localdate(),
        key,
    )
    value = parts.get(full_key)
    if value is _MISSING:
        value = compute()
        parts.put(full_key, value)
    return value


def cached_copy(organisation_id: int, key: Hashable, compute: Callable[[], T]) -> T:
    """Like ``cached()``, for model instances a request may change (a period, a unit): kept
    pickled, so that every call gets a copy of its own, related objects included (10 µs)."""
    if _in_transaction():
        return compute()
    return pickle.loads(
        cached(organisation_id, key, lambda: pickle.dumps(compute(), pickle.HIGHEST_PROTOCOL))
    )


def _in_transaction() -> bool:
    return connection.in_atomic_block

"""Page parts computed once per data change and kept per process.

A page part (the dashboard's tables, a goal's indicator table) depends only on the data and
on the language and the date; computing it costs tens of milliseconds, reading one counter
costs a fraction of one. Database triggers raise the counter (``web_dataversion``) on every
write to a table of tertial's apps or to the users, in the writing transaction, whoever writes:
the web services, the loader, the importers, COPY or raw SQL. A part is kept under the version
read at the start of the request, so it is never older than the data committed then; after a
write the version differs and the part is computed again. Nothing is shared between processes.

A GET or HEAD request (``RequestVersionMiddleware``) reads the version once, at its first
``cached()`` call, which the pages make before they read any data of their own (the period, in
``tertial.access.rules``), and keeps every part under that version; such a request writes nothing
of tertial's. Other requests, and code outside a request, read the version at each call.

PostgreSQL: one statement-level trigger per table (a bulk import bumps once per statement); a
writing transaction holds the counter row from its first write to its commit, so writers
queue there, as SQLite's single writer does anyway. SQLite: row-level triggers.
"""

from __future__ import annotations

import datetime
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.apps import apps
from django.db import connection
from django.utils import timezone, translation

TABLE = "web_dataversion"
_PREFIX = "tertial_dv_"
_FUNCTION = "tertial_bump_data_version"
# Besides tertial's own apps: the users, whose names the pages show.
_OTHER_MODELS = {"auth.user"}

T = TypeVar("T")


def watched_tables() -> list[str]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table == TABLE:
            continue
        if meta.app_config.name.startswith("tertial.") or meta.label_lower in _OTHER_MODELS:
            tables.add(meta.db_table)
    return sorted(tables)


def install_triggers(using_connection=None) -> None:
    """Create the counter row and a trigger on every watched table (idempotent: run after
    every migrate, so that tables added later are watched too)."""
    conn = using_connection or connection
    existing = set(conn.introspection.table_names())
    if TABLE not in existing:
        # Only some apps migrated so far (``migrate economy`` on a new database): the
        # triggers come with the migrate that creates the counter's table.
        return
    tables = [table for table in watched_tables() if table in existing]
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE id = 1")
        if cursor.fetchone()[0] == 0:
            # Not 0: a database emptied and migrated again must not repeat versions that a
            # running process may still hold parts for.
            start = time.time_ns() // 1000
            cursor.execute(f"INSERT INTO {TABLE} (id, value) VALUES (1, %s)", [start])
        if conn.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger AS $$ "
                f"BEGIN UPDATE {TABLE} SET value = value + 1 WHERE id = 1; RETURN NULL; END "
                "$$ LANGUAGE plpgsql"
            )
            for table in tables:
                name = quote(_PREFIX + table)
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
                )
        elif conn.vendor == "sqlite":
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = quote(f"{_PREFIX}{table}_{event.lower()}")
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {quote(table)} "
                        f"BEGIN UPDATE {TABLE} SET value = value + 1 WHERE id = 1; END"
                    )
        else:
            raise NotImplementedError(f"no data version triggers for {conn.vendor}")


def current() -> int | None:
    """The data version now; None when the counter row is missing (after a flush: then
    nothing is cached until the next migrate)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


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
# The version a GET or HEAD request read at its first cached() call: _PENDING before that,
# _UNREAD outside such a request.
_UNREAD = object()
_PENDING = object()
_request_version: ContextVar = ContextVar("tertial_request_data_version", default=_UNREAD)


class RequestVersionMiddleware:
    """One read of the data version for all the parts a GET or HEAD request uses, instead of
    one read per part."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        token = _request_version.set(_PENDING)
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` kept under the data version, the language and today's date.

    The result must depend on nothing else than the data and ``key`` (no user, no request),
    and is shared: callers only read it."""
    if _in_transaction():
        # Inside a transaction the version may include this transaction's own uncommitted
        # writes; if it rolls back, another transaction's commit would reuse that number.
        return compute()
    version = _request_version.get()
    if version is _PENDING:
        version = current()
        _request_version.set(version)
    elif version is _UNREAD:
        version = current()
    if version is None:
        return compute()
    full_key = (version, translation.get_language(), _today(), key)
    value = parts.get(full_key)
    if value is _MISSING:
        value = compute()
        parts.put(full_key, value)
    return value


def cached_copy(key: Hashable, compute: Callable[[], T]) -> T:
    """Like ``cached()``, for model instances a request may change (a period, a unit): kept
    pickled, so that every call gets a copy of its own, related objects included (10 µs)."""
    if _in_transaction():
        return compute()
    return pickle.loads(cached(key, lambda: pickle.dumps(compute(), pickle.HIGHEST_PROTOCOL)))


def _in_transaction() -> bool:
    return connection.in_atomic_block


def _today() -> datetime.date:
    # Deadlines turn into "overdue" at midnight without any write.
    return timezone.localdate()

"""Who changed a value, when, from what to what: for the history shown beside every field."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model

from tertial.audit.models import AuditEntry


@dataclass
class Change:
    when: datetime.datetime
    who: str
    before: str
    after: str
    note: str = ""


def _name(user) -> str:
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


def kept_rows(rows, show) -> list[Change]:
    """History from rows kept on every save (Forecast, Assessment), newest first.

    ``show(row)`` is the value as text; each change shows the row before it as "before".
    """
    rows = list(rows)
    oldest_first = sorted(rows, key=lambda row: (row.created_at, row.pk))
    changes = []
    previous = ""
    for row in oldest_first:
        text = show(row)
        changes.append(Change(row.created_at, _name(row.author), previous, text))
        previous = text
    return list(reversed(changes))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return str(value)


def _change(entry: AuditEntry) -> Change:
    return Change(
        entry.created_at,
        _name(entry.actor),
        _as_text(entry.before),
        _as_text(entry.after),
        entry.reason,
    )


def audited(obj: Model | None, *, object_type: str | None = None, object_id=None) -> list[Change]:
    """History of an object from the audit log, newest first."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    if object_id is None:
        return []
    entries = AuditEntry.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")
    return [_change(e) for e in entries]


def audited_each(objects: Iterable[Model]) -> dict[object, list[Change]]:
    """``audited()`` of each of ``objects`` (of one model) in one query, by primary key."""
    pks = {str(obj.pk): obj.pk for obj in objects if obj.pk is not None}
    result: dict[object, list[Change]] = {pk: [] for pk in pks.values()}
    if not pks:
        return result
    object_type = next(obj for obj in objects if obj.pk is not None)._meta.label_lower
    entries = AuditEntry.objects.filter(
        object_type=object_type, object_id__in=list(pks)
    ).select_related("actor")
    for entry in entries:
        result[pks[entry.object_id]].append(_change(entry))
    return result

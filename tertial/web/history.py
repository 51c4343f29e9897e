"""Who changed a value, when, from what to what: for the history shown beside every field."""

from __future__ import annotations

import datetime
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


def audited(obj: Model | None, *, object_type: str | None = None, object_id=None) -> list[Change]:
    """History of an object from the audit log, newest first."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    if object_id is None:
        return []
    entries = AuditEntry.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")
    return [
        Change(e.created_at, _name(e.actor), _as_text(e.before), _as_text(e.after), e.reason)
        for e in entries
    ]

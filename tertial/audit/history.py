"""The one way rows people edit keep their history: versions checked, changes logged.

A form carries the version of the row it was based on (``version_of``); the service that
saves it locks the row, refuses a save based on an older version (``check_version``, raising
``StaleVersion`` with what is there now) and saves the row in place with its version raised
and the change's before and after in the log (``save_version``). ``history`` reads a row's
changes back from the log, newest first, for the history shown beside every field.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from tertial.audit.log import record
from tertial.audit.models import AuditEntry, Versioned
from tertial.core.actors import person
from tertial.core.errors import StaleVersion


def version_of(obj: Versioned | None) -> str:
    """The version token a form carries for a row (empty when there is no row yet)."""
    return "" if obj is None else str(obj.version)


def check_version(current: Versioned | None, base_version: str | None) -> None:
    """Refuse a save based on another version than ``current``'s; None skips the check (an
    import or a command, which replace what is there by design)."""
    if base_version is not None and version_of(current) != base_version:
        raise StaleVersion(
            _("Någon annan har sparat en nyare version."), current, version_of(current)
        )


def save_version(
    obj: Versioned,
    *,
    actor,
    action: str,
    organisation,
    before: Any,
    after: Any,
    reason: str = "",
) -> None:
    """Save ``obj`` in place as its next version and log the change (inside the caller's
    transaction, which holds the row locked)."""
    if obj.pk is not None:
        obj.version += 1
    obj.updated_by = person(actor)
    obj.save()
    record(
        action,
        actor=actor,
        organisation=organisation,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
    )


@dataclass(frozen=True)
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


def as_text(state: Any) -> str:
    """A logged state as text, when the reader has no better way to show it."""
    if state is None:
        return ""
    if isinstance(state, dict):
        return "; ".join(f"{key}: {as_text(value)}" for key, value in state.items())
    return str(state)


Show = Callable[[Any], str]


def _change(entry: AuditEntry, show: Show) -> Change:
    return Change(
        entry.created_at, _name(entry.actor), show(entry.before), show(entry.after), entry.reason
    )


def history(obj: Model | None, show: Show = as_text) -> list[Change]:
    """The changes of one row from the log, newest first; ``show`` turns a logged state
    (the ``before`` or ``after`` its service recorded) into text."""
    if obj is None or obj.pk is None:
        return []
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
    return [_change(entry, show) for entry in entries]


def histories(objects: Iterable[Model], show: Show = as_text) -> dict[Any, list[Change]]:
    """``history()`` of each of ``objects`` (of one model) in one query, by primary key."""
    saved = [obj for obj in objects if obj is not None and obj.pk is not None]
    result: dict[Any, list[Change]] = {obj.pk: [] for obj in saved}
    if not saved:
        return result
    by_id = {str(obj.pk): obj.pk for obj in saved}
    entries = AuditEntry.objects.filter(
        object_type=saved[0]._meta.label_lower, object_id__in=list(by_id)
    ).select_related("actor")
    for entry in entries:
        result[by_id[entry.object_id]].append(_change(entry, show))
    return result


def versions(obj: Model) -> list[tuple[datetime.datetime | None, Any]]:
    """The states a row has had, newest first, each with when it was saved, as its service
    logged them: what each change left behind, then what the first logged change replaced
    (a loaded row's state, saved at an unknown time: None). Empty when nothing is logged."""
    if obj is None or obj.pk is None:
        return []
    entries = list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    )
    result: list[tuple[datetime.datetime | None, Any]] = [
        (entry.created_at, entry.after) for entry in entries
    ]
    if entries and entries[-1].before is not None:
        result.append((None, entries[-1].before))
    return result

"""The one way rows people edit keep their history: versions checked, changes logged.

A form carries the version of the row it was based on (``version_of``); the service that
saves it locks the row, refuses a save based on an older version (``check_version``, raising
``StaleVersion`` with what is there now) and saves the row in place with its version raised
and the change's before and after in the log (``save_version``). ``history`` reads a row's
changes back from the log, newest first, for the history shown beside every field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import DecimalField, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.audit.log import record
from tertial.audit.models import AuditEntry, Versioned
from tertial.core.actors import person
from tertial.core.errors import StaleVersion
from tertial.core.formatting import format_tkr
from tertial.core.textdiff import word_diff


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


# What each kind of change did, by the last part of its action code ("workflow.unit.approved").
_VERBS = {
    "saved": gettext_lazy("Sparad"),
    "deleted": gettext_lazy("Borttagen"),
    "submitted": gettext_lazy("Inlämnad"),
    "returned": gettext_lazy("Återsänd"),
    "approved": gettext_lazy("Godkänd"),
    "published": gettext_lazy("Publicerad"),
    "unlocked": gettext_lazy("Upplåst"),
    "granted": gettext_lazy("Rollen given"),
    "revoked": gettext_lazy("Rollen borttagen"),
    "invited": gettext_lazy("Inbjuden"),
    "created": gettext_lazy("Skapad"),
    "added": gettext_lazy("Tillagd"),
    "frame_added": gettext_lazy("Ram tillagd"),
    "changed": gettext_lazy("Ändrad"),
    "changed_after_approval": gettext_lazy("Ändrad efter godkännande"),
    "imported": gettext_lazy("Inläst"),
    "loaded": gettext_lazy("Inläst"),
    "computed": gettext_lazy("Beräknad"),
    "frozen": gettext_lazy("Utgåva fryst"),
    "started": gettext_lazy("Påbörjad"),
    "periodised": gettext_lazy("Periodiserad"),
}
# Logged keys that say which row a state belongs to, not what it holds: a new row's
# history does not repeat them.
_IDENTITY_KEYS = {"goal", "period", "indicator", "year", "through_month", "gender", "unit", "key"}
# Logged keys that are not fields of their model.
_LABELS = {
    "items": gettext_lazy("punkter"),
    "unit_deadline": gettext_lazy("verksamheterna lämnar in senast"),
    "report_deadline": gettext_lazy("rapporten godkänns senast"),
    "report": gettext_lazy("rapporten"),
    "role": gettext_lazy("roll"),
    "units": gettext_lazy("verksamheter"),
    "by_class": gettext_lazy("per kontoklass"),
}
# A text longer than this is shown as its changed words, not as two versions.
LONG_TEXT = 80


@dataclass(frozen=True)
class FieldChange:
    """One value of a change: before and after as a person reads them, or for a long text
    the words that changed (tertial.core.textdiff)."""

    label: str
    before: str
    after: str
    words: list[tuple[str, str]] | None = None


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str  # "Godkänd", "Sparad": the history reads "Godkänd av Anna Berg 14:16"
    fields: list[FieldChange]
    note: str = ""


def _name(user) -> str:
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


def _field(model: type[Model] | None, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _label(model: type[Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return str(_LABELS.get(key, key.replace("_", " ")))


def _value(model: type[Model] | None, key: str, value: Any) -> str:
    """A logged value as a person reads it: an amount in tkr, a choice by its name."""
    if value is None or value == "":
        return "–"
    if isinstance(value, list):
        return "; ".join(
            _value(None, key, item.get("text", item) if isinstance(item, dict) else item)
            for item in value
        )
    if isinstance(value, dict):
        return "; ".join(f"{_label(None, k)}: {_value(None, k, v)}" for k, v in value.items())
    field = _field(model, key)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, DecimalField) and field.decimal_places == 2:
        try:
            return f"{format_tkr(Decimal(str(value)))} tkr"
        except ArithmeticError:
            return str(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    return str(value)


def _fields(model: type[Model] | None, before: Any, after: Any) -> list[FieldChange]:
    """What changed between two logged states, key by key: the model's fields in the model's
    order, then other keys by name (PostgreSQL's jsonb does not keep the logged order)."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before == after:
            return []
        return [FieldChange("", _value(None, "", before), _value(None, "", after))]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    new = not before
    changes = []
    for key in _in_model_order(model, {*after, *before}):
        old, now = before.get(key), after.get(key)
        if old == now or (new and key in _IDENTITY_KEYS):
            continue
        if new and (now is None or now == "" or now == []):
            continue
        if (
            isinstance(old, str | None)
            and isinstance(now, str | None)
            and (len(old or "") > LONG_TEXT or len(now or "") > LONG_TEXT)
        ):
            words = word_diff(old or "", now or "")
            changes.append(FieldChange(_label(model, key), "", "", words))
            continue
        shown = _value(model, key, old), _value(model, key, now)
        if shown[0] != shown[1]:  # "60000.00" and "60000" are the same amount
            changes.append(FieldChange(_label(model, key), *shown))
    return changes


def _in_model_order(model: type[Model] | None, keys: set[str]) -> list[str]:
    order = {}
    if model is not None:
        order = {field.name: i for i, field in enumerate(model._meta.get_fields())}
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def _change(entry: AuditEntry, model: type[Model] | None) -> Change:
    verb = _VERBS.get(entry.action.rsplit(".", 1)[-1], _("Ändrad"))
    return Change(
        entry.created_at,
        _name(entry.actor),
        str(verb),
        _fields(model, entry.before, entry.after),
        entry.reason,
    )


def history(obj: Model | None) -> list[Change]:
    """The changes of one row from the log, newest first, each in words: what was done, by
    whom and when, and what changed, value by value."""
    if obj is None or obj.pk is None:
        return []
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
    return [_change(entry, type(obj)) for entry in entries]


def histories(objects: Iterable[Model]) -> dict[Any, list[Change]]:
    """``history()`` of each of ``objects`` (of one model) in one query, by primary key."""
    saved = [obj for obj in objects if obj is not None and obj.pk is not None]
    result: dict[Any, list[Change]] = {obj.pk: [] for obj in saved}
    if not saved:
        return result
    model = type(saved[0])
    by_id = {str(obj.pk): obj.pk for obj in saved}
    entries = AuditEntry.objects.filter(
        object_type=saved[0]._meta.label_lower, object_id__in=list(by_id)
    ).select_related("actor")
    for entry in entries:
        result[by_id[entry.object_id]].append(_change(entry, model))
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

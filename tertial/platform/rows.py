"""Writing many rows by their keys, for the domain services that replace what a file defines.

Things people and other rows refer to (units, accounts, goals, indicators …) are updated in
place by their codes, so their primary keys, and everything attached to them, survive a
re-load; what the file no longer holds is deleted unless other rows still refer to it.
Generic over models: the services of the app that owns a model call these for it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from django.db import router
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

BATCH_SIZE = 2000


@dataclass
class Synced:
    """The rows a file defines by their keys, and the existing ones it no longer holds."""

    by_key: dict = field(default_factory=dict)
    vanished: list = field(default_factory=list)


def upsert(
    queryset: QuerySet,
    key: Callable[[Model], Hashable],
    rows: dict[Hashable, dict],
    fields: list[str],
) -> Synced:
    """Create or update one object of ``queryset``'s model per entry of ``rows`` (key →
    field values), found by ``key``; ``fields`` are those written to existing objects."""
    model = queryset.model
    existing = {key(obj): obj for obj in queryset}
    result, to_create, to_update = {}, [], []
    for k, values in rows.items():
        obj = existing.get(k)
        if obj is None:
            obj = model(**values)
            to_create.append(obj)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        result[k] = obj
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update and fields:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    return Synced(result, [obj for k, obj in existing.items() if k not in rows])


def referrers(obj: Model) -> list[str]:
    """What would be deleted or blocked along with ``obj``: names of the other kinds of rows."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as exc:
        return sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects})
    except RestrictedError as exc:
        return sorted({str(o._meta.verbose_name_plural) for o in exc.restricted_objects})
    names = set()
    for model, instances in collector.data.items():
        if any(instance != obj for instance in instances):
            names.add(str(model._meta.verbose_name_plural))
    for queryset in collector.fast_deletes:
        if queryset.exists():
            names.add(str(queryset.model._meta.verbose_name_plural))
    return sorted(names)


def delete_unreferred(objects: Iterable[Model]) -> dict[Model, list[str]]:
    """Delete each of ``objects`` that no other row refers to; the others are left, returned
    with the names of what still refers to them."""
    kept = {}
    for obj in objects:
        others = referrers(obj)
        if others:
            kept[obj] = others
        else:
            obj.delete()
    return kept

"""Writing audit entries: the one place every change a person makes is recorded."""

from typing import Any

from django.db.models import Model

from tertial.audit.models import AuditEntry
from tertial.platform import cache


def record(
    action: str,
    *,
    actor=None,
    organisation=None,
    obj: Model | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Record a change, in the transaction that makes it, and raise the cache version of the
    organisation it was made for (of the shared scope without one): every service records
    its writes, so no service has to remember to bump."""
    entry = AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
    )
    if organisation is None:
        cache.bump_shared()
    else:
        cache.bump(organisation.pk)
    return entry

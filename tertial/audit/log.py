"""Writing audit entries: the one place every change a person makes is recorded."""

from typing import Any

from django.db.models import Model

from tertial.audit.models import AuditEntry


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
    return AuditEntry.objects.create(
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

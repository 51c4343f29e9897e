"""tertial's rights answered through Django's permission API.

``user.has_perm("tertial.unit.edit", unit)`` asks ``tertial.access.rules.can`` — the one place
rights are decided — so views, templates and the admin get the same answer. Django answers
every permission of an active superuser with yes before it asks a backend.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from tertial.access.rules import PERMISSION_PREFIX, Action, can


class RulesBackend(BaseBackend):
    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is None or not perm.startswith(PERMISSION_PREFIX):
            return False
        try:
            action = Action(perm.removeprefix(PERMISSION_PREFIX))
        except ValueError:
            return False
        return can(user_obj, action, obj)

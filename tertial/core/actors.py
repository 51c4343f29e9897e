"""Who did something: the person to record as author, or nobody."""

from __future__ import annotations


def person(actor):
    """``actor`` when it is a signed-in person; None for the system, a command or anonymous."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None

"""Figures the tables of one report share: inside ``sharing()`` each is computed once.

A report shows several tables of one period that need the same figures (the ledger's sums,
the budget, the goals' statuses). Inside the block the first table to ask computes them and
the others reuse them. The data must not change inside the block: build a report in it, not
a save-and-show round trip. Outside it every call computes afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_SHARED: ContextVar[dict | None] = ContextVar("tertial_shared", default=None)


@contextmanager
def sharing() -> Iterator[None]:
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``key`` inside ``sharing()``; ``key`` names what and of what."""
    cache = _SHARED.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]

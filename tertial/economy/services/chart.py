"""Writes of the chart of accounts: account classes with their ranges, and accounts.

The loader of an organisation folder (tertial.ingest.folder) calls these inside its one
transaction; a ledger import creates the accounts it meets inside a range by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tertial.economy.models import Account, AccountClass, AccountRange
from tertial.organisation.models import Organisation
from tertial.platform.rows import Synced, upsert


def sync_account_classes(organisation: Organisation, classes: Sequence) -> Synced:
    """The account classes (``code``, ``name``, ``kind``, ``ranges`` of (first, last)
    account numbers) in this order, by code, their ranges replaced."""
    synced = upsert(
        AccountClass.objects.filter(organisation=organisation),
        lambda c: c.code,
        {
            c.code: {
                "organisation": organisation,
                "code": c.code,
                "sort_order": i,
                "name": c.name,
                "kind": c.kind,
            }
            for i, c in enumerate(classes)
        },
        ["sort_order", "name", "kind"],
    )
    AccountRange.objects.filter(account_class__organisation=organisation).delete()
    AccountRange.objects.bulk_create(
        AccountRange(account_class=synced.by_key[c.code], first=first, last=last)
        for c in classes
        for first, last in c.ranges
    )
    return synced


def sync_accounts(
    organisation: Organisation,
    names: dict[str, str],
    class_of: Callable[[str], str | None],
    classes: Synced,
) -> Synced:
    """The accounts named in ``names`` (number → name), and those already stored that a range
    still classifies (a ledger import created them), each in the class ``class_of(number)``
    gives by code; a stored account's name stays when ``names`` has none."""
    existing = {a.number: a for a in Account.objects.filter(organisation=organisation)}
    numbers = set(names) | {number for number in existing if class_of(number) is not None}
    rows = {}
    for number in sorted(numbers):
        name = names.get(number) or (existing[number].name if number in existing else "")
        rows[number] = {
            "organisation": organisation,
            "number": number,
            "name": name,
            "account_class": classes.by_key[class_of(number)],
        }
    return upsert(
        Account.objects.filter(organisation=organisation),
        lambda a: a.number,
        rows,
        ["name", "account_class"],
    )

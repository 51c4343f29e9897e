"""Writing export files for the import tests, and reading back what an import stored."""

from decimal import Decimal
from pathlib import Path

from tertial.ingest.ledger.mapping import mapping_from_dict

AGRESSO_HEADER = "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text"


def agresso(**overrides):
    data = {
        "name": "agresso-test",
        "encoding": "windows-1252",
        "delimiter": ";",
        "decimal_separator": ",",
        "columns": {
            "period": "Period",
            "account": "Konto",
            "unit": "Ansvar",
            "activity": "Verksamhet",
            "project": "Projekt",
            "amount": "Belopp",
            "text": "Text",
        },
    }
    data.update(overrides)
    return mapping_from_dict(data)


def write(path: Path, lines: list[str], encoding: str = "cp1252", newline: str = "\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def balances(organisation) -> dict[tuple, Decimal]:
    from tertial.economy.models import LedgerBalance

    return {
        (b.unit.code, b.account.number, b.year, b.month, b.activity, b.project): b.amount
        for b in LedgerBalance.objects.filter(organisation=organisation).select_related(
            "unit", "account"
        )
    }

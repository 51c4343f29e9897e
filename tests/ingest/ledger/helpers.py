"""Writing export files for the import tests, and reading back what an import stored."""

from decimal import Decimal
from pathlib import Path

from tertial.ingest.ledger.mapping import mapping_from_dict

AGRESSO_HEADER = "Period;Konto;Ansvar;Verksamhet;Projekt;Belopp;Text"


def create_organisation(slug: str):
    """Three units, four account classes with their ranges, the fiscal years 2020 and 2021."""
    from tertial.economy.models import AccountClass, AccountRange
    from tertial.organisation.models import FiscalYear, Organisation, Unit

    organisation = Organisation.objects.create(
        slug=slug, name="Importförvaltningen", municipality="Testkommun"
    )
    for code, name in [("1100", "Ledning"), ("2100", "Kontakt"), ("3100", "Lokaler")]:
        Unit.objects.create(organisation=organisation, code=code, name=name)
    for kind, code, ranges in [
        ("revenue", "sales", [(3000, 3999)]),
        ("cost", "personnel", [(5000, 5999)]),
        ("cost", "other", [(4000, 4999), (6000, 7999)]),
        ("financial", "financial", [(8000, 8999)]),
    ]:
        account_class = AccountClass.objects.create(
            organisation=organisation, code=code, name=code.title(), kind=kind
        )
        for first, last in ranges:
            AccountRange.objects.create(account_class=account_class, first=first, last=last)
    for year in (2020, 2021):
        FiscalYear.objects.create(organisation=organisation, year=year)
    return organisation


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

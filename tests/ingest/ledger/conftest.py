"""A small organisation of its own for the import tests (fixture ``org``).

Not the example organisation: the import replaces whole months, and these tests need to know
exactly what is stored.
"""

import pytest


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def org(db, data_dir):
    from tertial.economy.models import AccountClass, AccountRange
    from tertial.organisation.models import FiscalYear, Organisation, Unit

    organisation = Organisation.objects.create(
        slug="importtest", name="Importförvaltningen", municipality="Testkommun"
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

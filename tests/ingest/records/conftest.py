"""A small organisation of its own for the record import tests (fixture ``org``)."""

import pytest


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def org(db, data_dir):
    from tertial.goals.models import Indicator
    from tertial.organisation.models import FiscalYear, Organisation, Period, Unit

    organisation = Organisation.objects.create(
        slug="records", name="Postförvaltningen", municipality="Testkommun"
    )
    top = Unit.objects.create(organisation=organisation, code="1000", name="Service")
    Unit.objects.create(organisation=organisation, code="2100", name="Kontakt", parent=top)
    Unit.objects.create(organisation=organisation, code="3100", name="Inköp", parent=top)
    year = FiscalYear.objects.create(organisation=organisation, year=2020)
    for month, kind in ((2, "month"), (3, "month"), (4, "tertial")):
        Period.objects.create(fiscal_year=year, key=f"2020-{month:02d}", kind=kind, end_month=month)
    for code, measure in (("calls", "count"), ("answered", "percent"), ("wait", "seconds"),
                          ("spend", "percent"), ("score", "score")):  # fmt: skip
        Indicator.objects.create(
            organisation=organisation, code=code, name=code, measure=measure,
            unit=top if code != "calls" else None,
        )  # fmt: skip
    return organisation


def write(path, text: str, encoding: str = "utf-8"):
    path.write_text(text, encoding=encoding)
    return path

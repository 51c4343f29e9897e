"""Indicators computed from records: what each kind of definition yields, the example's
figures, retention."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tertial.core.errors import Refused
from tertial.ingest.records.importer import import_records
from tertial.ingest.records.mapping import mapping_from_dict
from tertial.records import definitions, files, queries, services
from tertial.records.models import ComputedValue, RecordBatch

from .conftest import write

INVOICES = mapping_from_dict(
    {
        "kind": "invoices",
        "delimiter": ";",
        "columns": {
            "id": "Nr", "date": "Datum", "supplier": "Leverantör", "amount": "Belopp",
            "unit": "Ansvar", "e_invoice": "E-faktura", "e_commerce": "E-handel",
            "contract": "Avtal",
        },
    }
)  # fmt: skip
CALLS = mapping_from_dict(
    {
        "kind": "contacts",
        "delimiter": ";",
        "columns": {"offered": "Tid", "wait_seconds": "Väntetid", "abandoned": "Tappat",
                    "unit": "Enhet", "channel": "Kanal"},
    }
)  # fmt: skip
SURVEYS = mapping_from_dict(
    {
        "kind": "surveys",
        "delimiter": ";",
        "columns": {"date": "Datum", "unit": "Enhet", "score": "Betyg", "gender": "Kön"},
    }
)


def value_of(org, code, month=4, gender="T"):
    return ComputedValue.objects.get(
        indicator__organisation=org, indicator__code=code, through_month=month, gender=gender
    ).value


@pytest.fixture
def invoices(org, tmp_path):
    path = write(
        tmp_path / "fakturor.csv",
        "Nr;Datum;Leverantör;Belopp;Ansvar;E-faktura;E-handel;Avtal\n"
        "1;2020-01-10;Papper AB;1 000,00;3100;Ja;Nej;A-12\n"
        "2;2020-02-10;Data AB;3 000,50;3100;Nej;Ja;\n"
        "3;2020-03-10;Data AB;999,50;3100;Ja;Ja;A-12\n"
        "4;2020-04-10;Kaffe AB;5 000,00;2100;Ja;Nej;\n",
    )
    return import_records(org, path, mapping=INVOICES)


def test_shares_of_an_amount_and_of_a_count_over_invoices(org, invoices):
    spend = org.indicators.get(code="spend")
    services.define_indicator(
        spend, {"kind": "invoices", "compute": "share", "share_of": "amount",
                "of": {"under_contract": True}, "scope": "organisation"}
    )  # fmt: skip
    services.compute_values(org)
    # (1 000,00 + 999,50) / 10 000,00
    assert value_of(org, "spend") == Decimal("19.995")
    services.define_indicator(
        spend, {"kind": "invoices", "compute": "share", "of": {"e_invoice": True}}
    )
    services.compute_values(org)
    # the indicator's unit (1000) takes in the units under it: all four invoices, three e-invoices
    assert value_of(org, "spend") == Decimal("75")
    assert value_of(org, "spend", month=2) == Decimal("50")


def test_mean_median_and_percentile_of_waiting_times(org, tmp_path):
    waits = [10, 20, 30, 40, 400]
    path = write(
        tmp_path / "samtal.csv",
        "Tid;Väntetid;Tappat;Enhet;Kanal\n"
        + "".join(f"2020-0{m}-01 08:00;{w};0;2100;phone\n" for m in (1, 2, 3, 4) for w in waits),
    )
    import_records(org, path, mapping=CALLS)
    wait = org.indicators.get(code="wait")
    for compute, expected in (("mean", "100"), ("median", "30"), ("percentile", "40")):
        raw = {"kind": "contacts", "compute": compute, "value": "wait_seconds", "window": "month"}
        if compute == "percentile":
            raw["percentile"] = 75
        services.define_indicator(wait, raw)
        services.compute_values(org)
        assert value_of(org, "wait") == Decimal(expected), compute
    # the computed value is the indicator's, with what it was computed from
    stored = wait.values.get(year=2020, through_month=4, gender="T")
    assert (stored.value, stored.source) == (Decimal("40"), services.RECORDS_SOURCE)
    computed = ComputedValue.objects.get(indicator=wait, through_month=4)
    assert computed.definition["percentile"] == "75"
    assert computed.months == ["2020-04"] and computed.record_count == 5


def test_a_gender_split_indicator_is_computed_for_women_and_men(org, tmp_path):
    path = write(
        tmp_path / "enkat.csv",
        "Datum;Enhet;Betyg;Kön\n"
        + "".join(f"2020-0{m}-05;2100;{s};{g}\n" for m in (1, 2, 3, 4)
                  for s, g in ((4, "K"), (5, "kvinna"), (2, "M"))),
    )  # fmt: skip
    import_records(org, path, mapping=SURVEYS)
    score = org.indicators.get(code="score")
    score.gender_split = True
    score.save()
    services.define_indicator(score, {"kind": "surveys", "compute": "mean", "value": "score"})
    services.compute_values(org)
    assert value_of(org, "score", gender="K") == Decimal("4.5")
    assert value_of(org, "score", gender="M") == Decimal("2")
    assert value_of(org, "score") == Decimal("3.666667")


def test_a_typed_value_stays_and_the_computed_one_is_kept_beside_it(org, invoices):
    from tertial.goals import services as goals

    calls = org.indicators.get(code="calls")
    goals.store_values(
        org, [goals.ValueRow(calls, 2020, 4, "actual", "T", Decimal("7"))], actor=None,
        action="test",
    )  # fmt: skip
    services.define_indicator(calls, {"kind": "invoices"})
    services.compute_values(org)
    assert calls.values.get(through_month=4).value == Decimal("7")
    assert value_of(org, "calls") == Decimal("4")
    assert calls.values.get(through_month=3).value == Decimal("3")


def test_the_records_behind_a_value_are_paged_with_their_file_and_line(org, invoices):
    spend = org.indicators.get(code="spend")
    services.define_indicator(spend, {"kind": "invoices", "compute": "share",
                                      "of": {"e_commerce": True}})  # fmt: skip
    services.compute_values(org)
    computed = queries.computed_value(spend, 2020, 4)
    page = queries.records_behind(computed, limit=3)
    assert page.total == 4
    assert [(r["file"], r["line"]) for r in page.rows] == [("fakturor.csv", n) for n in (2, 3, 4)]
    assert queries.records_behind(computed, offset=3).rows[0]["line"] == 5
    part = queries.records_behind(computed, part=True)
    assert [r["line"] for r in part.rows] == [3, 4]


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"kind": "meetings"}, "kind"),
        ({"kind": "cases", "compute": "share"}, "of"),
        ({"kind": "cases", "compute": "mean"}, "value"),
        ({"kind": "cases", "where": {"colour": "red"}}, "where.colour"),
        (
            {"kind": "cases", "compute": "percentile", "value": "score", "percentile": 101},
            "percentile",
        ),
        ({"kind": "cases", "window": "week"}, "window"),
    ],
)
def test_a_definition_that_cannot_be_computed_is_refused_naming_its_key(org, raw, message):
    with pytest.raises(ValidationError) as caught:
        services.define_indicator(org.indicators.get(code="calls"), raw)
    assert message in str(caught.value)
    with pytest.raises(definitions.DefinitionError):
        definitions.parse(raw)


def test_retention_deletes_old_records_and_their_values_stay(org, invoices):
    services.define_indicator(org.indicators.get(code="calls"), {"kind": "invoices"})
    with pytest.raises(Refused):
        services.apply_retention(org, today=date(2020, 6, 15))
    org.settings = {"record_retention_months": 3}
    org.save()
    # June 2020 less three months: March is the first month kept
    deleted = services.apply_retention(org, today=date(2020, 6, 15))
    assert deleted == 2
    batch = RecordBatch.objects.get(organisation=org)
    assert batch.months == ["2020-03", "2020-04"] and batch.row_count == 2
    assert batch.retained_from == "2020-03"
    import duckdb

    query = f"SELECT min(month) FROM '{files.batch_path(batch)}'"
    assert duckdb.connect().execute(query).fetchone() == (3,)
    # the values computed before stay, and are not computed again from what is left
    services.compute_values(org)
    assert value_of(org, "calls") == Decimal("4")
    assert value_of(org, "calls", month=2) == Decimal("2")


def test_the_retention_setting_is_checked():
    assert services.check_retention(24) == 24
    for wrong in (0, -1, "24", 2.5, True):
        with pytest.raises(ValueError):
            services.check_retention(wrong)
    assert services.cut_month(date(2020, 2, 1), 3) == "2019-11"


def test_the_report_checks_flag_a_typed_value_that_differs_from_the_computed_one(org, invoices):
    from tertial.goals import services as goals
    from tertial.organisation.models import Period
    from tertial.reports.checks import check_computed_values

    calls = org.indicators.get(code="calls")
    calls.decimals = 0
    calls.save()
    services.define_indicator(calls, {"kind": "invoices"})
    services.compute_values(org)
    period = Period.objects.get(fiscal_year__organisation=org, key="2020-04")
    assert check_computed_values(period) == []  # the computed value is the indicator's own
    for typed, flagged in ((Decimal("4"), False), (Decimal("4.4"), False), (Decimal("5"), True)):
        goals.store_values(
            org, [goals.ValueRow(calls, 2020, 4, "actual", "T", typed, source="hand")],
            actor=None, action="test",
        )  # fmt: skip
        findings = check_computed_values(period)
        assert bool(findings) == flagged, typed
    (finding,) = findings
    assert finding.severity == "varning" and finding.code == "computed_value"
    assert "5" in finding.message and "4" in finding.message


def test_the_retention_command_deletes_the_records_of_organisations_with_the_setting(
    org, invoices, capsys
):
    from django.core.management import call_command

    call_command("retain_records", "--org", "records")
    assert capsys.readouterr().out == ""  # no setting: every record kept
    org.settings = {"record_retention_months": 1}
    org.save()
    call_command("retain_records", "--org", "records")
    assert "4 poster äldre än 1 månader raderade" in capsys.readouterr().out
    assert RecordBatch.objects.get(organisation=org).row_count == 0


def test_a_locked_periods_value_keeps_its_records_after_a_later_file_replaces_them(
    org, invoices, tmp_path
):
    from tertial.organisation.models import Period

    calls = org.indicators.get(code="calls")
    services.define_indicator(calls, {"kind": "invoices"})
    services.compute_values(org)
    Period.objects.filter(fiscal_year__organisation=org, key="2020-04").update(status="locked")
    again = write(
        tmp_path / "rättade.csv",
        "Nr;Datum;Leverantör;Belopp;Ansvar;E-faktura;E-handel;Avtal\n"
        + "".join(f"{n};2020-0{m}-12;X AB;1,00;3100;Ja;Ja;\n" for n, m in enumerate("1234"))
        + "9;2020-04-20;X AB;1,00;3100;Ja;Ja;\n",
    )
    import_records(org, again, mapping=INVOICES)
    services.compute_values(org)
    # the locked period's value and its records are as they were; March's is computed again
    computed = queries.computed_value(calls, 2020, 4)
    assert computed.value == 4
    page = queries.records_behind(computed)
    assert {r["file"] for r in page.rows} == {"fakturor.csv"} and page.total == 4
    assert value_of(org, "calls", month=3) == 3
    later = queries.records_behind(queries.computed_value(calls, 2020, 3))
    assert {r["file"] for r in later.rows} == {"rättade.csv"}


def test_a_replaced_batch_goes_once_no_value_is_computed_from_it(org, invoices, tmp_path):
    services.define_indicator(org.indicators.get(code="calls"), {"kind": "invoices"})
    services.compute_values(org)
    again = write(
        tmp_path / "igen.csv",
        "Nr;Datum;Leverantör;Belopp;Ansvar;E-faktura;E-handel;Avtal\n"
        + "".join(f"{n};2020-0{m}-12;X AB;1,00;3100;Ja;Ja;\n" for n, m in enumerate("1234")),
    )
    import_records(org, again, mapping=INVOICES)
    assert RecordBatch.objects.filter(organisation=org).count() == 2  # still explains values
    services.compute_values(org)
    (kept,) = RecordBatch.objects.filter(organisation=org)
    assert kept.source_name == "igen.csv"


def test_a_value_typed_as_missing_gives_way_to_a_computed_one(org, invoices):
    from tertial.goals import services as goals

    calls = org.indicators.get(code="calls")
    goals.store_values(
        org, [goals.ValueRow(calls, 2020, 4, "actual", "T", None, source="hand")], actor=None,
        action="test",
    )  # fmt: skip
    services.define_indicator(calls, {"kind": "invoices"})
    services.compute_values(org)
    stored = calls.values.get(through_month=4)
    assert (stored.value, stored.source) == (Decimal("4"), services.RECORDS_SOURCE)


def test_a_kept_file_gone_leaves_the_values_as_they_were(org, invoices, tmp_path):
    services.define_indicator(org.indicators.get(code="calls"), {"kind": "invoices"})
    later = write(
        tmp_path / "mars-april.csv",
        "Nr;Datum;Leverantör;Belopp;Ansvar;E-faktura;E-handel;Avtal\n"
        + "".join(f"{n};2020-0{m}-12;X AB;1,00;3100;Ja;Ja;\n" for n, m in enumerate("3344")),
    )
    import_records(org, later, mapping=INVOICES)
    services.compute_values(org)
    assert value_of(org, "calls") == Decimal("6")  # January and February from the first file
    files.batch_path(invoices).unlink()
    services.compute_values(org)
    assert value_of(org, "calls") == Decimal("6")

"""Generate the SYNTHETIC ledger, budget and per-unit forecast of the VSS example.

The reference report (Delårsrapport januari–augusti 2020, Verksamhetsstöd och service,
Linköpings kommun) prints only totals in tkr. This script invents monthly balances per unit
and account that add up to exactly those totals, and asserts that they do, with the same
rounding the report uses: Decimal arithmetic, whole tkr, half away from zero.

Standard library only, fixed seed: running it again writes byte-identical files.

    python examples/vss-2020/generate.py
"""

import csv
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 2020
CENT = Decimal("0.01")
KRONA = Decimal("1")

# The order and codes of organisation.yaml. Löneservice (1900) starts 2020-12-01 and has no
# figures in the reference, so nothing is generated for it.
UNITS_2020 = ["1100", "1200", "1300", "1400", "1500", "1600", "1700", "1800"]
UNITS_2019 = ["1100", "1300", "1400", "1500", "1600", "1800"]  # 1200 and 1700 came in 2020
LKDATA = "1800"

# Monthly weights: July is the holiday month, December carries year-end bookings.
ACTUAL_PROFILE = [1000, 990, 1050, 1000, 1040, 1080, 560, 950, 1050, 1060, 1060, 1160]
BUDGET_PROFILE = [1010, 1000, 1040, 1000, 1030, 1060, 620, 960, 1040, 1050, 1050, 1140]

# Cost mix per class, and the accounts each class books on, as shares.
COST_MIX = {
    "personnel": Decimal("0.70"),
    "premises": Decimal("0.07"),
    "consultants": Decimal("0.05"),
    "licences": Decimal("0.07"),
    "other_costs": Decimal("0.09"),
    "depreciation": Decimal("0.02"),
}
# LKDATA runs the municipality's IT: licences and depreciation outweigh its staff.
LKDATA_COST_MIX = {
    "personnel": Decimal("0.22"),
    "premises": Decimal("0.03"),
    "consultants": Decimal("0.10"),
    "licences": Decimal("0.33"),
    "other_costs": Decimal("0.07"),
    "depreciation": Decimal("0.25"),
}
COST_ACCOUNTS = {
    "personnel": {"5110": Decimal("0.69"), "5410": Decimal("0.31")},
    "premises": {"6110": Decimal("1")},
    "consultants": {"6410": Decimal("1")},
    "licences": {"6540": Decimal("0.6"), "6550": Decimal("0.4")},
    "other_costs": {"6910": Decimal("0.55"), "7130": Decimal("0.45")},
    "depreciation": {"7810": Decimal("1")},
}
# Revenues: sales of services to the other administrations dominate everywhere; 3511 takes
# whatever the other accounts leave.
REVENUE_SHARES = {"3512": Decimal("0.04"), "3410": Decimal("0.01"), "3990": Decimal("0.02")}
REVENUE_ACCOUNT_CLASS = {
    "3511": "sales",
    "3512": "sales",
    "3410": "grants",
    "3990": "other_revenue",
}
REVENUE_CLASS_SHARES = {"grants": Decimal("0.01"), "other_revenue": Decimal("0.02")}
ACCOUNT_CLASS = {a: c for c, accounts in COST_ACCOUNTS.items() for a in accounts}
ACCOUNT_CLASS.update(REVENUE_ACCOUNT_CLASS)

# ---- The figures of the reference (kronor, chosen so that each rounds to the printed tkr) ----

# Full-year 2019 costs per unit; their sum rounds to the printed 254 067 tkr.
COSTS_2019 = {
    "1100": Decimal("9500000.00"),
    "1300": Decimal("24300000.00"),
    "1400": Decimal("19200000.00"),
    "1500": Decimal("27900000.00"),
    "1600": Decimal("7800000.00"),
    "1800": Decimal("165367213.55"),
}
# Net result (revenues − costs) January–August 2019 and the whole of 2019 (bokslut).
NET_2019_08 = {
    "1100": Decimal("-203118.40"),
    "1300": Decimal("-64877.25"),
    "1400": Decimal("433402.10"),
    "1500": Decimal("2786655.80"),
    "1600": Decimal("86940.35"),
    "1800": Decimal("12976310.75"),
}
NET_2019 = {
    "1100": Decimal("-2356250.30"),
    "1300": Decimal("-476120.65"),
    "1400": Decimal("-231880.45"),
    "1500": Decimal("5027090.20"),
    "1600": Decimal("-23705.10"),
    "1800": Decimal("15361840.90"),
}
# Net result January–August 2020. Their fractions of a tkr add up to about +0,34 tkr, which is
# what makes the reference's Summa of Avvikelse print 6 874 while its rows add up to 6 873.
NET_2020_08 = {
    "1100": Decimal("-272137.45"),
    "1200": Decimal("-38412.80"),
    "1300": Decimal("-400912.36"),
    "1400": Decimal("378244.10"),
    "1500": Decimal("2532241.62"),
    "1600": Decimal("127075.18"),
    "1700": Decimal("-1029846.91"),
    "1800": Decimal("7190088.34"),
}
# Budget 2020: full-year costs per unit (whole kronor; revenues equal costs so that every
# unit's year nets to zero) and the net result budgeted for January–August.
BUDGET_COSTS_2020 = {
    "1100": Decimal("9000000"),
    "1200": Decimal("15000000"),
    "1300": Decimal("26000000"),
    "1400": Decimal("20500000"),
    "1500": Decimal("30000000"),
    "1600": Decimal("8500000"),
    "1700": Decimal("8028000"),
    "1800": Decimal("177000000"),
}
BUDGET_NET_2020_08 = {
    "1100": Decimal("0"),
    "1200": Decimal("0"),
    "1300": Decimal("183900"),
    "1400": Decimal("269900"),
    "1500": Decimal("0"),
    "1600": Decimal("0"),
    "1700": Decimal("0"),
    "1800": Decimal("1158900"),
}
# Full-year forecast 2020 per unit: net result (printed) and costs (a plausible split whose
# total rounds to the printed 297 560 tkr); revenues = costs + net result.
FORECAST_NET_2020 = {
    "1100": Decimal("-1100000"),
    "1200": Decimal("-100000"),
    "1300": Decimal("-500000"),
    "1400": Decimal("200000"),
    "1500": Decimal("800000"),
    "1600": Decimal("0"),
    "1700": Decimal("-700000"),
    "1800": Decimal("4000000"),
}
FORECAST_COSTS_2020 = {
    "1100": Decimal("9500000"),
    "1200": Decimal("14700000"),
    "1300": Decimal("26700000"),
    "1400": Decimal("20800000"),
    "1500": Decimal("30200000"),
    "1600": Decimal("8600000"),
    "1700": Decimal("8060000"),
    "1800": Decimal("179000000"),
}


def tkr(amount: Decimal) -> int:
    """Whole tkr, half away from zero: the report's only rounding rule."""
    return int((amount / 1000).quantize(KRONA, rounding=ROUND_HALF_UP))


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def noise(rng: random.Random, per_mille: int) -> Decimal:
    return 1 + Decimal(rng.randint(-per_mille, per_mille)) / 1000


def cost_mix(unit: str) -> dict[str, Decimal]:
    return LKDATA_COST_MIX if unit == LKDATA else COST_MIX


def generate_costs(
    rng: random.Random, unit: str, months: list[int], annual: Decimal
) -> dict[tuple[int, str], Decimal]:
    """Monthly costs per account, following the seasonal profile with a little noise."""
    total_weight = sum(ACTUAL_PROFILE)
    rows = {}
    for month in months:
        month_total = annual * ACTUAL_PROFILE[month - 1] / total_weight * noise(rng, 40)
        for account_class, class_share in cost_mix(unit).items():
            for account, share in COST_ACCOUNTS[account_class].items():
                rows[month, account] = cents(month_total * class_share * share * noise(rng, 60))
    return rows


def generate_revenues(
    rng: random.Random, months: list[int], total: Decimal
) -> dict[tuple[int, str], Decimal]:
    """Revenues (positive here) over the months, adding up to exactly total."""
    weights = {m: ACTUAL_PROFILE[m - 1] * noise(rng, 40) for m in months}
    weight_sum = sum(weights.values())
    rows = {}
    remaining = total
    for month in months:
        month_total = (
            remaining if month == months[-1] else cents(total * weights[month] / weight_sum)
        )
        remaining -= month_total
        rest = month_total
        for account, share in REVENUE_SHARES.items():
            rows[month, account] = cents(month_total * share * noise(rng, 300))
            rest -= rows[month, account]
        rows[month, "3511"] = rest
    return rows


def ledger_year(
    rng: random.Random,
    year: int,
    units: list[str],
    months: list[int],
    annual_costs: dict[str, Decimal],
    windows: list[tuple[list[int], dict[str, Decimal]]],
    exact_costs: bool,
) -> list[tuple[int, int, str, str, Decimal]]:
    """Ledger rows (year, month, unit, account, amount in ledger sign) for one year.

    Each window is a run of months with the net result every unit must have over it.
    With exact_costs the unit's costs over the months add up to exactly annual_costs.
    """
    rows = []
    for unit in units:
        costs = generate_costs(rng, unit, months, annual_costs[unit])
        if exact_costs:
            # Scale to the exact total; the öre left over by rounding go on December's salaries.
            factor = annual_costs[unit] / sum(costs.values())
            costs = {key: cents(amount * factor) for key, amount in costs.items()}
            costs[months[-1], "5110"] += annual_costs[unit] - sum(costs.values())
        revenues = {}
        for window_months, nets in windows:
            window_costs = sum(a for (m, _), a in costs.items() if m in window_months)
            revenues.update(generate_revenues(rng, window_months, window_costs + nets[unit]))
        for (month, account), amount in costs.items():
            rows.append((year, month, unit, account, amount))
        for (month, account), amount in revenues.items():
            rows.append((year, month, unit, account, -amount))
    return sorted(rows)


def budget_2020() -> list[tuple[int, int, str, str, Decimal]]:
    """Budget per unit, account class and month, in ledger sign, whole kronor.

    Costs follow the budget profile; revenues mirror costs month by month, except that the
    unit's budgeted January–August surplus is brought forward from December, so the year
    still nets to zero.
    """
    total_weight = sum(BUDGET_PROFILE)
    rows = []
    for unit in UNITS_2020:
        annual = BUDGET_COSTS_2020[unit]
        monthly_costs = {m: Decimal(0) for m in range(1, 13)}
        class_amounts = {}
        for account_class, share in cost_mix(unit).items():
            class_amounts[account_class] = (annual * share).quantize(KRONA)
        class_amounts["personnel"] += annual - sum(class_amounts.values())
        for account_class, class_annual in class_amounts.items():
            remaining = class_annual
            for month in range(1, 13):
                if month == 12:
                    amount = remaining
                else:
                    amount = (class_annual * BUDGET_PROFILE[month - 1] / total_weight).quantize(
                        KRONA
                    )
                remaining -= amount
                monthly_costs[month] += amount
                rows.append((2020, month, unit, account_class, amount))
        shift = BUDGET_NET_2020_08[unit]
        for month in range(1, 13):
            revenue = monthly_costs[month]
            if month == 6:
                revenue += shift
            elif month == 12:
                revenue -= shift
            rest = revenue
            for account_class, share in REVENUE_CLASS_SHARES.items():
                amount = (revenue * share).quantize(KRONA)
                rest -= amount
                rows.append((2020, month, unit, account_class, -amount))
            rows.append((2020, month, unit, "sales", -rest))
    return rows


def forecasts_2020() -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(unit, net result, revenues, costs) in the report's sign."""
    return [
        (
            unit,
            FORECAST_NET_2020[unit],
            FORECAST_COSTS_2020[unit] + FORECAST_NET_2020[unit],
            FORECAST_COSTS_2020[unit],
        )
        for unit in UNITS_2020
    ]


def net(rows, unit=None, months=None) -> Decimal:
    """Net result (revenues − costs) of ledger-sign rows."""
    return -sum(
        (
            r[4]
            for r in rows
            if (unit is None or r[2] == unit) and (months is None or r[1] in months)
        ),
        Decimal(0),
    )


def class_totals(rows, unit: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for row in rows:
        if row[2] == unit:
            account_class = ACCOUNT_CLASS.get(row[3], row[3])
            totals[account_class] = totals.get(account_class, Decimal(0)) + row[4]
    return totals


def check_mix_and_season(rows, units: list[str]) -> None:
    for row in rows:
        # Ledger sign: every cost row a debit, every revenue row a credit.
        is_cost = ACCOUNT_CLASS.get(row[3], row[3]) in COST_MIX
        assert (row[4] > 0) if is_cost else (row[4] < 0), row
    for unit in units:
        totals = class_totals(rows, unit)
        costs = {c: a for c, a in totals.items() if c in COST_MIX}
        largest = max(costs, key=costs.get)
        if unit == LKDATA:
            assert largest in ("licences", "depreciation"), (unit, largest)
        else:
            assert largest == "personnel", (unit, largest)
        revenues = {c: -a for c, a in totals.items() if c not in COST_MIX}
        assert revenues["sales"] > sum(revenues.values()) * Decimal("0.9"), unit
        monthly = {}
        for row in rows:
            if row[2] == unit and ACCOUNT_CLASS.get(row[3], row[3]) in COST_MIX:
                monthly[row[1]] = monthly.get(row[1], Decimal(0)) + row[4]
        if 7 in monthly:
            assert monthly[7] == min(monthly.values()), unit


def check(ledger_2019, ledger_2020, budget, forecasts) -> None:
    """Assert that the synthetic data reproduce every total of the reference exactly."""
    jan_aug = list(range(1, 9))

    # Driftsammandrag, resultat 31 augusti 2020.
    actual = {u: net(ledger_2020, u) for u in UNITS_2020}
    budgeted = {u: net(budget, u, jan_aug) for u in UNITS_2020}
    previous = {u: net(ledger_2019, u, jan_aug) for u in UNITS_2019}
    printed = {
        "1100": (-272, 0, -272, -203),
        "1200": (-38, 0, -38, None),
        "1300": (-401, 184, -585, -65),
        "1400": (378, 270, 108, 433),
        "1500": (2532, 0, 2532, 2787),
        "1600": (127, 0, 127, 87),
        "1700": (-1030, 0, -1030, None),
        "1800": (7190, 1159, 6031, 12976),
    }
    for unit, (a, b, d, p) in printed.items():
        assert tkr(actual[unit]) == a, (unit, actual[unit])
        assert tkr(budgeted[unit]) == b, (unit, budgeted[unit])
        assert tkr(actual[unit] - budgeted[unit]) == d, (unit, actual[unit] - budgeted[unit])
        assert (tkr(previous[unit]) if unit in previous else None) == p, unit
    assert tkr(sum(actual.values())) == 8486
    assert tkr(sum(budgeted.values())) == 1613
    assert tkr(sum(actual.values()) - sum(budgeted.values())) == 6874
    assert sum(d for _, _, d, _ in printed.values()) == 6873  # the rows, as printed
    assert tkr(sum(previous.values())) == 16015
    assert net(ledger_2019, months=jan_aug) == sum(NET_2019_08.values())

    # Prognos resultat 2020: budget and bokslut 2019 columns.
    closed = {u: net(ledger_2019, u) for u in UNITS_2019}
    printed_2019 = {
        "1100": -2356,
        "1300": -476,
        "1400": -232,
        "1500": 5027,
        "1600": -24,
        "1800": 15362,
    }
    for unit, value in printed_2019.items():
        assert tkr(closed[unit]) == value, (unit, closed[unit])
    assert tkr(sum(closed.values())) == 17301
    costs_2019 = sum(r[4] for r in ledger_2019 if ACCOUNT_CLASS[r[3]] in COST_MIX)
    revenues_2019 = -sum(r[4] for r in ledger_2019 if ACCOUNT_CLASS[r[3]] not in COST_MIX)
    assert tkr(costs_2019) == 254067 and tkr(revenues_2019) == 271368
    for unit in UNITS_2020:
        assert net(budget, unit) == 0, unit
    budget_costs = sum(r[4] for r in budget if r[3] in COST_MIX)
    budget_revenues = -sum(r[4] for r in budget if r[3] not in COST_MIX)
    assert tkr(budget_costs) == 294028 and tkr(budget_revenues) == 294028
    # Budget periodised unevenly: January–August is not simply 8/12 of the year.
    assert sum(r[4] for r in budget if r[3] in COST_MIX and r[1] <= 8) != budget_costs * 8 / 12

    # Forecast: net result per unit, totals 2 600 / 297 560 / 300 160 tkr.
    for unit, net_result, revenues, costs in forecasts:
        assert net_result == revenues - costs, unit
        assert net_result == FORECAST_NET_2020[unit]
    assert sum(f[1] for f in forecasts) == Decimal("2600000")
    assert tkr(sum(f[3] for f in forecasts)) == 297560
    assert tkr(sum(f[2] for f in forecasts)) == 300160

    check_mix_and_season(ledger_2019, UNITS_2019)
    check_mix_and_season(ledger_2020, UNITS_2020)
    check_mix_and_season(budget, UNITS_2020)


def amount_text(amount: Decimal, places: int) -> str:
    return f"{amount:.{places}f}".replace(".", ",")


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    ledger_2019 = ledger_year(
        rng,
        2019,
        UNITS_2019,
        list(range(1, 13)),
        COSTS_2019,
        [
            (list(range(1, 9)), NET_2019_08),
            (list(range(9, 13)), {u: NET_2019[u] - NET_2019_08[u] for u in UNITS_2019}),
        ],
        exact_costs=True,
    )
    ledger_2020 = ledger_year(
        rng,
        2020,
        UNITS_2020,
        list(range(1, 9)),
        FORECAST_COSTS_2020,
        [(list(range(1, 9)), NET_2020_08)],
        exact_costs=False,
    )
    budget = budget_2020()
    forecasts = forecasts_2020()
    check(ledger_2019, ledger_2020, budget, forecasts)

    ledger_header = ["year", "month", "unit", "account", "activity", "project", "amount"]
    for year, rows in ((2019, ledger_2019), (2020, ledger_2020)):
        write(
            HERE / "ledger" / f"{year}.csv",
            ledger_header,
            [[str(y), str(m), u, a, "", "", amount_text(x, 2)] for y, m, u, a, x in rows],
        )
    write(
        HERE / "budget" / "2020.csv",
        ["year", "month", "unit", "account_class", "amount"],
        [[str(y), str(m), u, c, amount_text(x, 0)] for y, m, u, c, x in budget],
    )
    write(
        HERE / "followups" / "2020-08" / "forecasts.csv",
        ["unit", "net_result", "revenues", "costs", "pandemic_net_cost", "comment"],
        [
            [u, amount_text(n, 0), amount_text(r, 0), amount_text(c, 0), "", ""]
            for u, n, r, c in forecasts
        ],
    )


if __name__ == "__main__":
    main()

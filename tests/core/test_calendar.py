import datetime

from hypothesis import given
from hypothesis import strategies as st

from tertial.core.calendar import (
    months_between,
    next_end_month,
    period_title,
    shift_months,
    title_for_year,
)


def test_shift_months_keeps_the_day_or_takes_the_months_last():
    assert shift_months(datetime.date(2020, 5, 10), 4) == datetime.date(2020, 9, 10)
    assert shift_months(datetime.date(2020, 5, 31), 1) == datetime.date(2020, 6, 30)
    assert shift_months(datetime.date(2020, 12, 15), 2) == datetime.date(2021, 2, 15)
    assert shift_months(datetime.date(2020, 2, 29), 12) == datetime.date(2021, 2, 28)
    assert shift_months(datetime.date(2021, 1, 31), -2) == datetime.date(2020, 11, 30)


@given(st.dates(datetime.date(1900, 1, 1), datetime.date(2900, 12, 31)), st.integers(-600, 600))
def test_shift_months_moves_by_whole_months(date, months):
    shifted = shift_months(date, months)
    assert (shifted.year * 12 + shifted.month) - (date.year * 12 + date.month) == months
    last_of_month = (shifted + datetime.timedelta(days=1)).month != shifted.month
    assert shifted.day == date.day or (shifted.day < date.day and last_of_month)


def test_months_between():
    assert months_between(2020, 4, 2020, 8) == 4
    assert months_between(2020, 8, 2021, 8) == 12
    assert months_between(2020, 12, 2021, 4) == 4


def test_next_end_month_follows_last_years_pattern_then_steps_by_four():
    assert next_end_month(4, taken=[4], pattern=[4, 8, 12]) == 8
    assert next_end_month(4, taken=[4], pattern=[3, 6, 9, 12]) == 6
    assert next_end_month(4, taken=[4, 8], pattern=[4, 8, 12]) == 12
    assert next_end_month(4, taken=[4]) == 8
    assert next_end_month(10, taken=[10]) == 12
    assert next_end_month(8, taken=[8, 12]) is None
    assert next_end_month(12, taken=[12]) is None


def test_period_title_names_kind_and_months_in_swedish():
    assert period_title("tertialrapport", 4, 2021) == "Tertialrapport januari–april 2021"
    assert period_title("delårsrapport", 1, 2021) == "Delårsrapport januari 2021"
    assert period_title("årsrapport", 12, 2021) == "Årsrapport 2021"


def test_title_for_year_replaces_the_whole_year_only():
    assert title_for_year("Verksamhetsberättelse 2020", 2020, 2021) == "Verksamhetsberättelse 2021"
    assert title_for_year("Delår 2020 (jan–aug 2020)", 2020, 2021) == "Delår 2021 (jan–aug 2021)"
    assert title_for_year("Delårsrapport", 2020, 2021) == ""
    assert title_for_year("Rapport 120201", 2020, 2021) == ""

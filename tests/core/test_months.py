"""Month names come from one place, in the language asked for."""

from tertial.core.months import month_abbreviation, month_name, months_to


def test_swedish_month_names_as_written_inside_a_sentence():
    assert [month_name(m) for m in (1, 3, 8, 12)] == ["januari", "mars", "augusti", "december"]
    assert [month_abbreviation(m) for m in (1, 3, 7, 8)] == ["jan.", "mars", "juli", "aug."]
    assert month_name(8, "en") == "August"


def test_the_months_of_a_follow_up_in_short():
    assert months_to(8, 2020) == "jan–aug 2020"
    assert months_to(3, 2021) == "jan–mars 2021"
    assert months_to(1, 2021) == "jan 2021"
    assert months_to(12, 2019) == "2019"

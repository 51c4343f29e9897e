"""The hostile corpus through every reader: an answer or a refusal, never a traceback."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tertial.core.evaluation import validate_value
from tertial.core.formula import FormulaError, evaluate
from tertial.core.numbers import LARGEST_AMOUNT, NumberFormatError, parse_decimal
from tertial.ingest.folder.reading import FileError, decode, parse_yaml
from tertial.web.forms import TkrField
from tests.hostile.corpus import DATES, ENCODINGS, FORMULAS, NUMBERS


@pytest.mark.parametrize("text", NUMBERS)
def test_a_hostile_number_is_read_or_refused(text):
    try:
        value = parse_decimal(text)
    except NumberFormatError:
        return
    assert value.is_finite()


@pytest.mark.parametrize("text", NUMBERS)
def test_a_hostile_amount_in_a_form_is_stored_exactly_or_refused_with_a_sentence(text):
    try:
        kronor = TkrField(required=False).clean(text)
    except ValidationError as error:
        assert error.messages and all(m.endswith(".") for m in error.messages)
        return
    assert kronor is None or abs(kronor) <= LARGEST_AMOUNT


@pytest.mark.parametrize("text", NUMBERS)
def test_a_hostile_indicator_value_is_valid_or_explained(text):
    try:
        value = parse_decimal(text)
    except NumberFormatError:
        return
    problem = validate_value("number", value)
    assert problem is None or isinstance(problem, str)


@pytest.mark.parametrize("text", DATES)
def test_a_hostile_date_in_yaml_is_a_date_or_an_error_on_its_line(text):
    try:
        document = parse_yaml(f"title: x\nstarts_on: {text}\n", "organisation.yaml")
    except FileError as error:
        assert (error.error.file, error.error.line) == ("organisation.yaml", 2)
        return
    assert isinstance(document["starts_on"], str | datetime.date)


@pytest.mark.parametrize("text", FORMULAS)
def test_a_hostile_formula_is_evaluated_or_refused_with_its_reason(text):
    values = {"a": Decimal(2), "b": Decimal(3), "å": 1, "ä": 1, "ö": 1, "1500-ärenden": 1}
    try:
        result = evaluate(text, values)
    except FormulaError as error:
        assert error.message
        return
    assert result is None or isinstance(result, Decimal)


@pytest.mark.parametrize("data", ENCODINGS)
def test_hostile_bytes_are_decoded_or_refused_with_the_line(data):
    errors = []
    try:
        text = decode(data, "values.csv", errors)
    except FileError as error:
        assert error.error.file == "values.csv"
        return
    assert isinstance(text, str)
    assert all(e.file == "values.csv" and e.line == 1 for e in errors)

"""Typed access to the values of YAML mappings and CSV rows, collecting errors as it goes.

Every accessor returns a usable value (or None) and appends an InputError instead of raising,
so one pass over a folder reports every problem at once.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from tertial.core.errors import InputError
from tertial.core.numbers import (
    AMOUNT_DIGITS,
    EXACT_DIGITS,
    LARGEST_AMOUNT,
    NumberFormatError,
    parse_decimal,
    storage_problem,
)
from tertial.ingest.folder.reading import CsvRow, LineDict, LineList

CODE = re.compile(r"^[\w-]+$")
PERIOD_KEY = re.compile(r"^(\d{4})-(\d{2})$")


def check_code(text: str, max_length: int = 40) -> str | None:
    """Why ``text`` is not a valid code, or None when it is."""
    if not CODE.match(text):
        return _("%(text)s är ingen kod: använd bokstäver, siffror, '-' och '_'") % {
            "text": repr(text)
        }
    if len(text) > max_length:
        return _("%(text)s är längre än %(max)s tecken") % {"text": repr(text), "max": max_length}
    return None


def parse_period_key(text: str) -> tuple[int, int] | None:
    match = PERIOD_KEY.match(text)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return (year, month) if 1 <= month <= 12 else None


def check_amount(value: Decimal, digits: tuple[int, int] = AMOUNT_DIGITS) -> str | None:
    """Why ``value`` does not fit a stored amount (or, with ``digits``, another number),
    or None when it fits."""
    problem = storage_problem(value, digits)
    if problem == "decimals":
        return _("%(value)s har fler än %(decimals)s decimaler") % {
            "value": value,
            "decimals": digits[1],
        }
    if problem == "large":
        if digits == AMOUNT_DIGITS:
            return _("%(value)s är för stort: belopp lagras exakt upp till %(largest)s kr") % {
                "value": value,
                "largest": LARGEST_AMOUNT,
            }
        return _("%(value)s är för stort: högst %(digits)s siffror lagras exakt") % {
            "value": value,
            "digits": EXACT_DIGITS,
        }
    return None


class YamlFields:
    """Reads the keys of the mappings of one YAML file."""

    def __init__(self, file: str, errors: list[InputError]):
        self.file = file
        self.errors = errors

    def error(self, line: int | None, field: str, message: str) -> None:
        self.errors.append(InputError(self.file, line, field, message))

    def mapping(
        self,
        value,
        path: str,
        line: int | None,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> LineDict | None:
        """``value`` when it is a mapping with every required key and no unknown key."""
        if not isinstance(value, LineDict):
            self.error(
                line,
                path,
                _("här ska stå en mappning med nycklarna %(keys)s") % {"keys": ", ".join(required)},
            )
            return None
        known = set(required) | set(optional)
        for key in value:
            if key not in known:
                self.error(
                    value.line_of(key),
                    _join(path, key),
                    _("okänd nyckel; nycklarna är %(keys)s")
                    % {"keys": ", ".join(required + optional)},
                )
        for key in required:
            if key not in value:
                self.error(value.line, _join(path, key), _("nyckeln saknas men krävs"))
        return value

    def items(self, mapping: LineDict, key: str, path: str) -> list[tuple[str, object, int]]:
        """(path, item, line) of each item of the list under ``key``; absent or null: none."""
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.error(mapping.line_of(key), _join(path, key), _("här ska stå en lista"))
            return []
        return [
            (f"{_join(path, key)}[{i}]", item, value.line_of(i)) for i, item in enumerate(value)
        ]

    def text(
        self,
        mapping: LineDict,
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int | None = None,
    ) -> str:
        value = mapping.get(key)
        line, field = mapping.line_of(key), _join(path, key)
        if value is None or value == "":
            if required and key in mapping:
                self.error(line, field, _("får inte vara tomt"))
            return ""
        if isinstance(value, LineDict | LineList):
            self.error(line, field, _("här ska stå en text"))
            return ""
        text = str(value).strip("\n") if isinstance(value, str) else str(value)
        if max_length is not None and len(text) > max_length:
            self.error(line, field, _("längre än %(max)s tecken") % {"max": max_length})
        return text

    def code(
        self,
        mapping: LineDict,
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int = 40,
    ) -> str | None:
        value = mapping.get(key)
        if value is None or value == "":
            if required and key in mapping:
                self.error(mapping.line_of(key), _join(path, key), _("får inte vara tomt"))
            return None
        return self.code_value(value, mapping.line_of(key), _join(path, key), max_length)

    def code_value(self, value, line: int, field: str, max_length: int = 40) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(line, field, _("här ska stå en kod"))
            return None
        problem = check_code(str(value), max_length)
        if problem:
            self.error(line, field, problem)
            return None
        return str(value)

    def codes(self, mapping: LineDict, key: str, path: str) -> list[tuple[str, int, str]]:
        """(code, line, field path) of each code in the list under ``key``."""
        result = []
        for field, item, line in self.items(mapping, key, path):
            code = self.code_value(item, line, field, max_length=60)
            if code is not None:
                result.append((code, line, field))
        return result

    def integer(
        self,
        mapping: LineDict,
        key: str,
        path: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        line, field = mapping.line_of(key), _join(path, key)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                line, field, _("här ska stå ett heltal, inte %(value)s") % {"value": repr(value)}
            )
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(
                line,
                field,
                _("%(value)s ligger utanför %(minimum)s–%(maximum)s")
                % {"value": value, "minimum": minimum, "maximum": maximum},
            )
            return None
        return value

    def boolean(self, mapping: LineDict, key: str, path: str) -> bool:
        value = mapping.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(mapping.line_of(key), _join(path, key), _("här ska stå true eller false"))
            return False
        return value

    def choice(
        self,
        mapping: LineDict,
        key: str,
        path: str,
        choices,
        *,
        default: str | None = None,
    ) -> str | None:
        value = mapping.get(key)
        if value is None or value == "":
            return default
        if value not in choices:
            self.error(
                mapping.line_of(key),
                _join(path, key),
                _("%(value)s är inte något av %(choices)s")
                % {"value": repr(value), "choices": ", ".join(choices)},
            )
            return None
        return value

    def date(self, mapping: LineDict, key: str, path: str) -> datetime.date | None:
        value = mapping.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.error(
                mapping.line_of(key),
                _join(path, key),
                _("%(value)s är inget datum ÅÅÅÅ-MM-DD") % {"value": repr(value)},
            )
            return None

    def decimal(
        self,
        mapping: LineDict,
        key: str,
        path: str,
        *,
        required: bool = False,
        digits: tuple[int, int] = AMOUNT_DIGITS,
    ) -> Decimal | None:
        value = mapping.get(key)
        line, field = mapping.line_of(key), _join(path, key)
        if value is None or value == "":
            if required and key in mapping:
                self.error(line, field, _("ett tal behövs"))
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(
                line, field, _("här ska stå ett tal, inte %(value)s") % {"value": repr(value)}
            )
            return None
        try:
            number = parse_decimal(repr(value) if isinstance(value, float) else str(value))
        except NumberFormatError as exc:
            self.error(line, field, str(exc))
            return None
        problem = check_amount(number, digits)
        if problem:
            self.error(line, field, problem)
            return None
        return number


def csv_decimal(
    row: CsvRow,
    column: str,
    file: str,
    errors: list[InputError],
    *,
    digits: tuple[int, int] = AMOUNT_DIGITS,
    required: bool = True,
) -> Decimal | None:
    text = row.get(column)
    if not text:
        if required:
            errors.append(InputError(file, row.line, column, _("ett tal behövs")))
        return None
    return number_at(text, file, row.line, column, errors, digits=digits)


def number_at(
    text: str,
    file: str,
    line: int,
    column: str,
    errors: list[InputError],
    *,
    digits: tuple[int, int] = AMOUNT_DIGITS,
) -> Decimal | None:
    """The number ``text`` of a CSV cell, or None after an error naming the cell."""
    try:
        number = parse_decimal(text)
    except NumberFormatError as exc:
        errors.append(InputError(file, line, column, str(exc)))
        return None
    problem = check_amount(number, digits)
    if problem:
        errors.append(InputError(file, line, column, problem))
        return None
    return number


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)

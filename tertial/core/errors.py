"""Errors in input files, each naming the file, line and field it concerns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputError:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class InputErrors(Exception):
    """Raised with every error found; nothing has been stored when it is raised."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class Refused(Exception):
    """A request the domain refuses; its message is written for the person who made it."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []


class PeriodLocked(Refused):
    """The one answer to a change of anything in an approved or locked period."""


class StaleVersion(Refused):
    """Someone saved after the form was loaded; ``current`` is what they saved (or None
    when it has since been removed), so a page can show both versions side by side, and
    ``version`` its version token, on which a deliberate second save can be based."""

    def __init__(self, message: str, current, version: str):
        super().__init__(message)
        self.current = current
        self.version = version

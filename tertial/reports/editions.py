"""Reading frozen editions: the report a period shows, and what changed between two editions.

reports.services freezes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from tertial.core.textdiff import DELETED, INSERTED, SAME, word_diff
from tertial.organisation.models import Period
from tertial.reports.build import build_report
from tertial.reports.models import Edition
from tertial.reports.tree import (
    GoalFollowUpBlock,
    ItemList,
    Report,
    TableBlock,
    TextBlock,
    report_from_data,
)
from tertial.workflow.models import ReportApproval


def latest_edition(period: Period) -> Edition | None:
    return period.report_editions.order_by("-number").first()


def published_edition(period: Period) -> Edition | None:
    """The edition the public reads: the one last published, kept while the period is
    opened again and until another edition is published."""
    number = (
        ReportApproval.objects.filter(period=period)
        .values_list("published_edition", flat=True)
        .first()
    )
    return period.report_editions.filter(number=number).first() if number else None


def stored_formats(edition: Edition) -> list[str]:
    """The formats of the edition whose files are rendered and kept."""
    return sorted(edition.files.values_list("format", flat=True))


def stored_file(edition: Edition, fmt: str) -> bytes | None:
    """The edition's kept file in ``fmt``; None when it is not rendered yet (never renders)."""
    found = edition.files.filter(format=fmt).first()
    return bytes(found.data) if found is not None else None


def edition_report(edition: Edition) -> Report:
    return report_from_data(edition.content)


def published_report(
    period: Period, *, working_copy: bool = False
) -> tuple[Report, Edition | None]:
    """The report to show: an approved or locked period's latest edition, never recomputed.

    A period still being worked on is built from the data as it is now, as a working copy
    (with the system's proposals) when ``working_copy`` asks.
    """
    if period.is_locked:
        edition = latest_edition(period)
        if edition is not None:
            return edition_report(edition), edition
    return build_report(period, working_copy=working_copy), None


# --- comparing two editions ------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    table: str
    row: str
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class TextChange:
    where: str
    runs: list[tuple[str, str]]  # unchanged, deleted and inserted words (core.textdiff)

    @property
    def words(self) -> str:
        """The changed words inline, for a terminal: [-old-] {+new+}."""
        marks = {DELETED: "[-{}-]", INSERTED: "{{+{}+}}", SAME: "{}"}
        return " ".join(marks[kind].format(text.strip()) for kind, text in self.runs)


@dataclass
class EditionDiff:
    old: int
    new: int
    figures: list[FigureChange] = field(default_factory=list)
    texts: list[TextChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.figures and not self.texts


def _tables(report: Report) -> dict[str, tuple[str, TableBlock]]:
    return {
        b.table.key: (s.title, b)
        for s in report.sections
        for b in s.blocks
        if isinstance(b, TableBlock)
    }


def _texts(report: Report) -> dict[str, tuple[str, str]]:
    """Every text of the report by a stable key, with where it is shown."""
    found: dict[str, tuple[str, str]] = {}
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, TextBlock):
                found[f"{section.key}/{block.key}"] = (section.title, block.markdown)
            elif isinstance(block, ItemList):
                found[f"{section.key}/{block.key}"] = (
                    f"{section.title} / {block.title}",
                    "\n".join(block.items),
                )
            elif isinstance(block, GoalFollowUpBlock):
                for perspective in block.perspectives:
                    for goal in perspective.goals:
                        text = "\n".join(
                            [f"Bedömning: {goal.label}", goal.justification]
                            + [f"- {item.text}" for item in goal.items]
                        )
                        found[f"goal/{goal.code}"] = (goal.name, text)
    return found


def diff_reports(old: Report, new: Report, old_number: int = 0, new_number: int = 0) -> EditionDiff:
    diff = EditionDiff(old_number, new_number)
    old_tables, new_tables = _tables(old), _tables(new)
    for key in list(old_tables) + [k for k in new_tables if k not in old_tables]:
        before = old_tables.get(key)
        after = new_tables.get(key)
        if before is None or after is None:
            title = (after or before)[1].table.title
            diff.figures.append(
                FigureChange(
                    title,
                    "",
                    "",
                    "finns inte" if before is None else "finns",
                    "finns" if before is None else "finns inte",
                )
            )
            continue
        a, b = before[1].table, after[1].table
        rows_a = {r.ref or r.label: r for r in a.rows}
        rows_b = {r.ref or r.label: r for r in b.rows}
        for row_key in list(rows_a) + [k for k in rows_b if k not in rows_a]:
            ra, rb = rows_a.get(row_key), rows_b.get(row_key)
            label = (rb or ra).label
            for column in b.columns if rb is not None else a.columns:
                ca = ra.cells.get(column.key) if ra is not None else None
                cb = rb.cells.get(column.key) if rb is not None else None
                old_text = ca.text if ca is not None else ""
                new_text = cb.text if cb is not None else ""
                if old_text != new_text:
                    diff.figures.append(
                        FigureChange(b.title, label, column.label, old_text, new_text)
                    )
    old_texts, new_texts = _texts(old), _texts(new)
    for key in list(old_texts) + [k for k in new_texts if k not in old_texts]:
        where, before_text = old_texts.get(key, (new_texts[key][0], ""))
        after_text = new_texts.get(key, (where, ""))[1]
        if before_text == after_text:
            continue
        diff.texts.append(TextChange(where, word_diff(before_text, after_text)))
    return diff


def diff_editions(a: Edition, b: Edition) -> EditionDiff:
    """What changed from edition ``a`` to edition ``b``: figures (table, row, column) and texts."""
    return diff_reports(edition_report(a), edition_report(b), a.number, b.number)

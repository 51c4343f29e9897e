"""A copy of the small fixture organisation that a test may break."""

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL = FIXTURES / "small"


def copy_small(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    return folder


def replace(folder: Path, file: str, old: str, new: str) -> int:
    """Replace ``old`` once in ``file``; returns the line (from 1) where ``new`` now starts."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    start = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.count("\n", 0, start) + 1


def append(folder: Path, file: str, text: str) -> int:
    """Append lines to ``file``; returns the line number of the first appended line."""
    path = folder / file
    existing = path.read_text(encoding="utf-8")
    path.write_text(existing + text, encoding="utf-8")
    return existing.count("\n") + 1

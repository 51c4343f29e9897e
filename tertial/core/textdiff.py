"""The difference between two versions of a text, by word: what a reader needs to see of a
change to a long text, instead of both versions whole."""

from __future__ import annotations

import difflib
import re

SAME, DELETED, INSERTED = "same", "del", "ins"
# Words of unchanged text kept on each side of a change; the rest is shortened to "…".
CONTEXT_WORDS = 6

# A figure written with thousands separators ("2 600") is one word, so it changes as a whole.
_TOKENS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\s+|[^\s]+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _shorten(text: str, *, keep_start: bool, keep_end: bool) -> str:
    """Unchanged text with only its words next to a change kept."""
    words = _tokens(text)
    counted = [i for i, token in enumerate(words) if not token.isspace()]
    if len(counted) <= 2 * CONTEXT_WORDS:
        return text
    head = "".join(words[: counted[CONTEXT_WORDS - 1] + 1]) if keep_start else ""
    tail = "".join(words[counted[-CONTEXT_WORDS] :]) if keep_end else ""
    return f"{head} … {tail}".strip() if head or tail else "…"


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The texts as runs of unchanged, deleted and inserted words, in order; long unchanged
    runs are shortened to the words next to a change. Empty when the texts are equal."""
    if before == after:
        return []
    old, new = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    # Changes separated only by white space read as one: "2 600" → "3 000", not word by word.
    groups: list[list] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        blank = tag == "equal" and all(token.isspace() for token in old[i1:i2])
        if groups and groups[-1][0] != "equal" and (tag != "equal" or blank):
            groups[-1][2], groups[-1][4] = i2, j2
        else:
            groups.append([tag, i1, i2, j1, j2])
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in groups:
        if tag == "equal":
            runs.append((SAME, "".join(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append((DELETED, "".join(old[i1:i2])))
        if j2 > j1:
            runs.append((INSERTED, "".join(new[j1:j2])))
    last = len(runs) - 1
    return [
        (kind, _shorten(text, keep_start=i > 0, keep_end=i < last) if kind == SAME else text)
        for i, (kind, text) in enumerate(runs)
    ]

from hypothesis import given
from hypothesis import strategies as st

from tertial.core.textdiff import DELETED, INSERTED, SAME, word_diff


def test_a_changed_word_is_shown_as_deleted_and_inserted():
    assert word_diff("Överskott på 2 600 tkr.", "Överskott på 3 000 tkr.") == [
        (SAME, "Överskott på "),
        (DELETED, "2 600"),
        (INSERTED, "3 000"),
        (SAME, " tkr."),
    ]


def test_long_unchanged_text_is_shortened_around_the_change():
    words = " ".join(f"ord{i}" for i in range(100))
    runs = word_diff(words + " slut.", words + " slutet.")
    assert runs[0][0] == SAME and runs[0][1].startswith("… ord94")
    assert (DELETED, "slut.") in runs and (INSERTED, "slutet.") in runs
    assert sum(len(text) for _kind, text in runs) < 100


def test_equal_texts_have_no_difference():
    assert word_diff("Samma text.", "Samma text.") == []


texts = st.text(alphabet=st.sampled_from("ab cdå\n."), max_size=60)


@given(texts, texts)
def test_the_runs_rebuild_both_texts_when_nothing_is_shortened(before, after):
    runs = word_diff(before, after)
    if before == after:
        assert runs == []
        return
    if any(kind == SAME and "…" in text for kind, text in runs):
        return  # shortened: the reader sees the change, not the whole text
    assert "".join(t for k, t in runs if k != INSERTED) == before
    assert "".join(t for k, t in runs if k != DELETED) == after

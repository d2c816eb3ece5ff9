"""Finding glossary terms in text: whole words, longest spelling first."""

from __future__ import annotations

import pytest

from sitegen.glossary import Term, TermFinder


def test_glossary_terms_match_whole_words_only_longest_first() -> None:
    terms = (
        Term("NK cell", "term-nk-cell", ("NK cells",), "d"),
        Term("cell", "term-cell", ("cells",), "d"),
        Term("stress", "term-stress", (), "d"),
    )
    finder = TermFinder(terms)
    found = [
        (text[a:b], t.anchor)
        for text in ["Nk Cells, T-cells, stress-related, stress."]
        for a, b, t in finder.find(text)
    ]
    assert found == [("Nk Cells", "term-nk-cell"), ("stress", "term-stress")]
    assert [t.anchor for *_, t in finder.find("cells and stress", {"term-stress"})] == ["term-cell"]
    # a spelling found first inside a longer word is still found where it stands alone after it
    found = [(a, b, t.anchor) for a, b, t in finder.find("distressed cellcells stress, cells")]
    assert found == [(21, 27, "term-stress"), (29, 34, "term-cell")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NK cells, t-cell. STRESS", {"nk", "t-cell", "stress"}),
        ("nkcells t-cells stress_ stressed x-nk", set()),
        ("".join(map(chr, range(128))) + "nk" + "".join(map(chr, range(128))), {"nk"}),  # every ASCII character
        ("Ünk nk é-stress", {"nk"}),  # not ASCII: found another way, the same words
    ],
)
def test_first_words_are_those_standing_as_whole_words(text: str, expected: set[str]) -> None:
    finder = TermFinder(
        (Term("NK cell", "term-nk", (), "d"), Term("T-cell", "term-t", (), "d"), Term("stress", "term-s", (), "d"))
    )
    assert finder.first_words(text) == expected


def test_first_words_break_at_each_ascii_character_that_is_not_a_word_character() -> None:
    finder = TermFinder((Term("NK cell", "term-nk", (), "d"),))
    for char in map(chr, range(128)):
        part_of_a_word = char.isalnum() or char in "_-"
        assert finder.first_words(f"{char}nk{char}") == (set() if part_of_a_word else {"nk"}), repr(char)

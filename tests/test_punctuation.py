"""Typographic quotes, dashes and ellipses."""

from __future__ import annotations

import pytest

from sitegen.punctuation import smarten


@pytest.mark.parametrize(
    ("text", "before", "expected"),
    [
        ('"Quoted," she said.', "", "\u201cQuoted,\u201d she said."),
        (
            "it's the '90s -- or 1990--99 --- roughly...",
            "",
            "it\u2019s the \u201990s \u2013 or 1990\u201399 \u2014 roughly\u2026",
        ),
        ("'single' and (\"bracketed\")", "", "\u2018single\u2019 and (\u201cbracketed\u201d)"),
        ('" after a link', "k", "\u201d after a link"),  # the text before it ended in a word
        ('"', "", "\u201d"),
    ],
)
def test_smarten(text: str, before: str, expected: str) -> None:
    assert smarten(text, before) == expected

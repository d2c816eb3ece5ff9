"""characters.py and yamlfile.py's screen: invisible characters and YAML that expands."""

from __future__ import annotations

import time

import pytest

from sitegen.characters import forbidden_at
from sitegen.yamlfile import YamlError, load_yaml


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x1b",
        "\x0b",
        "\x0c",
        "\r",
        "\x7f",
        "\x85",
        "\x9f",
        "\ud800",
        "\ufffe",
        "\uffff",
        "\ufdd0",
        "\U0010ffff",
    ],
)
def test_forbidden_characters_are_found_with_line_and_column(char: str) -> None:
    found = forbidden_at(f"line one\nab{char}c\n")
    assert found is not None and found[:2] == (2, 3)


@pytest.mark.parametrize(
    "text", ["tab\there\nnew line", "é ü — “quotes” 😀", "\u200b zero width is visible to editors"]
)
def test_ordinary_text_passes(text: str) -> None:
    assert forbidden_at(text) is None


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'] + [
        f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 30)
    ]
    started = time.monotonic()
    with pytest.raises(YamlError) as caught:
        load_yaml("\n".join(levels), first_line=2)
    assert time.monotonic() - started < 1
    assert caught.value.line == 2 and "anchors" in caught.value.message


def test_a_huge_value_is_never_shown_whole() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("n: " + "9" * 100_000 + "\n")
    assert len(caught.value.message) < 200

"""Reading a source: its encoding and its front matter."""

from __future__ import annotations

import pytest

from sitegen.content import decode_source, split_front_matter


def test_decode_source_accepts_bom_and_crlf() -> None:
    assert decode_source(b"\xef\xbb\xbfa\r\nb\rc") == "a\nb\nc"
    with pytest.raises(UnicodeDecodeError):
        decode_source(b"\xff")


def test_split_front_matter() -> None:
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n", 4)
    assert split_front_matter("no front matter") == (None, "no front matter", 1)

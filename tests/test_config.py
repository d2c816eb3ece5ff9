"""site.yaml values: the base URL split into origin and path."""

from __future__ import annotations

import pytest

from sitegen.config import split_base_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/", ("", "/")),
        ("/repo", ("", "/repo/")),
        ("https://me.github.io/repo/", ("https://me.github.io", "/repo/")),
        ("https://example.org", ("https://example.org", "/")),
        ("ftp://x/", None),
        ("/a/../b/", None),
        ("https://x/?q=1", None),
    ],
)
def test_split_base_url(value: str, expected: tuple[str, str] | None) -> None:
    assert split_base_url(value) == expected

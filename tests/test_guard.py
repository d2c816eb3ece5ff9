"""Which Host headers and URL paths the dev server answers (sitegen/guard.py), with inline strings."""

from __future__ import annotations

import pytest

from sitegen.guard import Listening, output_path


@pytest.mark.parametrize(
    ("url_path", "expected"),
    [
        ("/", ""),
        ("/beta/", "beta/"),
        ("/beta", "beta"),
        ("//beta//./x/", "beta/x/"),
        ("/caf%C3%A9/", "café/"),
        ("/a%2Fb", "a/b"),
        ("/..", None),
        ("/a/%2e%2e/b", None),
        ("/a%5cb", None),
        ("/a%00", None),
        ("/%ff", None),
        ("/%zz", "%zz"),  # not an escape: a name like any other, which no file has
    ],
)
def test_output_path_of_a_url_path(url_path: str, expected: str | None) -> None:
    assert output_path(url_path) == expected


@pytest.mark.parametrize(
    ("host", "header", "answered"),
    [
        ("127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "127.0.0.1", True),
        ("127.0.0.1", "LocalHost:8000", True),
        ("127.0.0.1", "[::1]:8000", True),
        ("127.0.0.1", "127.0.0.1:8001", False),
        ("127.0.0.1", "evil.example:8000", False),
        ("127.0.0.1", "127.0.0.1.evil.example", False),
        ("127.0.0.1", "192.168.1.5:8000", False),
        ("127.0.0.1", "[::1", False),
        ("127.0.0.1", "", False),
        ("192.168.1.5", "192.168.1.5:8000", True),
        ("::1", "[::1]:8000", True),
        ("preview.lan", "Preview.LAN:8000", True),
        ("0.0.0.0", "192.168.1.5:8000", True),  # an address: no rebinding without a name
        ("0.0.0.0", "[fe80::1]:8000", True),
        ("0.0.0.0", "evil.example:8000", False),
    ],
)
def test_host_headers_answered(host: str, header: str, answered: bool) -> None:
    assert Listening.on(host, 8000).accepts(header) is answered

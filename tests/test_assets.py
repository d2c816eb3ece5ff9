"""Static files: fingerprints and url() rewriting in CSS."""

from __future__ import annotations

from sitegen.assets import fingerprint, rewrite_css_urls


def test_fingerprint_and_css_rewrite() -> None:
    assert fingerprint("static/style.css", b"x").startswith("static/style.")
    manifest = {"static/img/a.svg": "static/img/a.svg", "static/font.woff2": "static/font.1234567890.woff2"}
    css = rewrite_css_urls("static/style.css", b"a{background:url(font.woff2)} b{x:url('https://e/x')}", manifest)
    assert b'url("font.1234567890.woff2")' in css and b"url('https://e/x')" in css

"""rawhtml.py: the raw HTML policy, however a forbidden tag, attribute or URL is spelt."""

from __future__ import annotations

import pytest

from sitegen.markdown import Renderer
from sitegen.rawhtml import UnsafeHtmlError, bad_url, inspect_html, sanitize


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:x",
        "data:text/html,<script>",
        "DATA:image/png;base64,xx",
        "vbscript:msgbox",
    ],
)
def test_script_and_data_urls_are_bad_however_spelt(url: str) -> None:
    assert bad_url(url)


@pytest.mark.parametrize("url", ["https://example.org/", "/static/a.png", "#top", "mailto:a@b.org", "notes.md"])
def test_ordinary_urls_are_fine(url: str) -> None:
    assert not bad_url(url)


@pytest.mark.parametrize(
    ("fragment", "needle"),
    [
        ("<SCRIPT>x</SCRIPT>", "<script"),
        ("<iframe src=x>", "<iframe"),
        ("<object data=x>", "<object"),
        ("<embed src=x>", "<embed"),
        ("<form action=x>", "<form"),
        ('<meta http-equiv="refresh">', "<meta"),
        ("<base href=x>", "<base"),
        ("<style>p{}</style>", "<style"),
        ("<svg onload=x>", "<svg"),
        ("<img src=x OnError=alert(1)>", "onerror"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "href"),
        ('<a href="jav&#x09;ascript:x">x</a>', "href"),
        ("<span style=color:red>x</span>", "style"),
    ],
)
def test_what_the_policy_refuses(fragment: str, needle: str) -> None:
    (found,) = inspect_html([fragment])
    assert found.needle.lower() == needle


def test_what_the_policy_allows() -> None:
    allowed = '<span class="x" id="y" aria-label="z" data-n="1">a</span><abbr title="t">b</abbr><br/><img src="a.png" alt="a">'
    assert inspect_html([allowed]) == []


def test_nh3_leaves_an_allowed_page_as_it_means() -> None:
    page = '<p>A <span class="x">b</span> &amp; <a href="https://x.org/">c</a> <a href="sglink:content/a.md">d</a></p>'
    assert sanitize(page) == page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<script>alert(1)</script>\n", "raw HTML <script> is not allowed"),
        ("[x](javascript:alert(1))\n", 'the href "javascript:alert(1)" is not allowed'),
        ('Text.\n{: onmouseover="x" }\n', 'the attribute "onmouseover" (a script) is not allowed'),
    ],
)
def test_a_rendering_that_breaks_the_policy_raises_with_the_line(body: str, message: str) -> None:
    renderer = Renderer(())
    with pytest.raises(UnsafeHtmlError) as caught:
        renderer.render("Intro.\n\n" + body, "content/articles/x.md")
    (problem,) = caught.value.problems("content/articles/x.md", "Intro.\n\n" + body, 11)
    assert message in problem.message
    assert problem.line == (14 if "{:" in body else 13)
    assert renderer.render("Fine <b>text</b>.\n", "content/articles/x.md").html == "<p>Fine <b>text</b>.</p>"

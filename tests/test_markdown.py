"""The Markdown renderer: links, citations, glossary marks, ids and the extensions it uses."""

from __future__ import annotations

import pytest

from sitegen.glossary import Term
from sitegen.markdown import Link, Renderer, classify_link


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (
            "hormones.md#what-cortisol-does",
            Link("page", "content/articles/hormones.md", "what-cortisol-does", "hormones.md#what-cortisol-does"),
        ),
        ("../pages/about.md", Link("page", "content/pages/about.md", "", "../pages/about.md")),
        ("../../static/chart.png", Link("static", "static/chart.png", "", "../../static/chart.png")),
        ("#sources", Link("anchor", "", "sources", "#sources")),
        ("../../../etc/passwd", Link("bad", "../etc/passwd", "", "../../../etc/passwd")),
        ("https://doi.org/10.1/x", None),
        ("mailto:a@b.c", None),
    ],
)
def test_classify_link(href: str, expected: Link | None) -> None:
    assert classify_link(href, "content/articles/stress.md") == expected


def test_citations_are_numbered_by_first_use() -> None:
    out = Renderer(()).render("A [@b; @a]. B [@a]. C [@c].", "content/articles/x.md")
    assert out.citations == ("b", "a", "c")
    assert 'href="#ref-a" id="cite-a-2"' in out.html  # second use of a keeps number 2
    assert ">2</a>]" in out.html


def test_first_use_of_a_glossary_term_is_linked_once() -> None:
    terms = (Term("NK cell", "term-nk-cell", ("NK cells",), "A white blood cell."),)
    out = Renderer(terms).render("## NK cells\n\nNK cells and `NK cell` and NK cell.\n", "content/articles/x.md")
    assert out.html.count('class="term"') == 1
    assert '<a class="term" href="sgterm:term-nk-cell" title="A white blood cell.">NK cells</a> and' in out.html
    assert "<h2" in out.html and "NK cells</h2>" in out.html  # headings are never marked


def test_code_keeps_straight_quotes_and_escapes_stay_straight() -> None:
    out = Renderer(()).render('Say "hi" -- `"x" -- y` and \\"raw\\".\n', "content/a.md")
    assert '\u201chi\u201d \u2013 <code>"x" -- y</code>' in out.html
    assert '"raw"' in out.html


MARKDOWN_FEATURES = """Text with *em*, __strong__, `code`, \\*escaped\\*, a [link](https://x.org) and <https://auto.org>,
<span>inline html</span> &amp; an entity, a hard\x20\x20
break, a footnote[^1], [a reference][r], ![an image](static/i.png), ![ref image][r] and the WHO.

| a | b |
|---|---|
| 1 | 2 |

Term
:   Its definition.

    More of it.

!!! note "A note"
    Inside.

A paragraph with attributes.
{: .lead #intro }

*[WHO]: World Health Organization
[r]: https://example.org
[^1]: The note.
"""


def test_features_render() -> None:
    html = Renderer(()).render(MARKDOWN_FEATURES, "content/a.md").html
    for piece in (
        "<table>",
        "<dl>",
        '<abbr title="World Health Organization">',
        'class="admonition note"',
        'id="intro"',
    ):
        assert piece in html
    assert 'class="footnote"' in html and "<br>" in html and "<code>code</code>" in html


def test_headings_get_stable_readable_ids() -> None:
    out = Renderer(()).render("## What the research shows\n\n### Who should check first?\n", "content/a.md")
    assert out.h2_ids == ("what-the-research-shows",)
    assert out.toc[1][1] == "who-should-check-first"


def test_ids_of_a_rendering_are_the_id_attributes_only() -> None:
    body = '## A heading\n\nText with <span id="raw">raw</span>, <span data-id="no">x</span> and <b\nid="nl">y</b>.\n'
    assert Renderer(()).render(body, "content/a.md").ids == {"a-heading", "raw", "nl"}

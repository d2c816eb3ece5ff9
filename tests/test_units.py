"""Unit tests on the engine's pure functions, with inline strings."""

from __future__ import annotations

import pytest
from sitekit import article

from sitegen.assets import fingerprint, rewrite_css_urls
from sitegen.check import check_wording
from sitegen.config import split_base_url
from sitegen.content import decode_source, parse_page, split_front_matter
from sitegen.glossary import Term, TermFinder
from sitegen.markdown import Link, Renderer, classify_link
from sitegen.punctuation import smarten
from sitegen.urls import Urls
from sitegen.yamlfile import YamlError, load_yaml


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


def test_urls_know_the_base_path() -> None:
    urls = Urls("/repo/", "https://me.github.io")
    assert urls.page("") == "/repo/"
    assert urls.page("stress") == "/repo/stress/"
    assert urls.to("static/a.css") == "/repo/static/a.css"
    assert urls.absolute(urls.page("stress")) == "https://me.github.io/repo/stress/"
    assert Urls("/", "").absolute("/x/") == ""


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


def test_decode_source_accepts_bom_and_crlf() -> None:
    assert decode_source(b"\xef\xbb\xbfa\r\nb\rc") == "a\nb\nc"
    with pytest.raises(UnicodeDecodeError):
        decode_source(b"\xff")


def test_split_front_matter() -> None:
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n", 4)
    assert split_front_matter("no front matter") == (None, "no front matter", 1)


def test_yaml_refuses_duplicates_and_unsafe_tags() -> None:
    with pytest.raises(YamlError, match='duplicate key "a"'):
        load_yaml("a: 1\na: 2\n")
    with pytest.raises(YamlError, match="could not determine a constructor"):
        load_yaml("a: !!python/object/apply:os.system ['true']\n")
    assert load_yaml("a: 1\n", first_line=2).key_lines == {"a": 2}


def test_fingerprint_and_css_rewrite() -> None:
    assert fingerprint("static/style.css", b"x").startswith("static/style.")
    manifest = {"static/img/a.svg": "static/img/a.svg", "static/font.woff2": "static/font.1234567890.woff2"}
    css = rewrite_css_urls("static/style.css", b"a{background:url(font.woff2)} b{x:url('https://e/x')}", manifest)
    assert b'url("font.1234567890.woff2")' in css and b"url('https://e/x')" in css


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("Massage BOOSTS your immune system.", "BOOSTS your immune system"),
        ("It Flushes out the toxins.", "Flushes out the toxins"),
        ("Detoxing weekly.", "Detoxing"),
        ("Nothing cured it.", "cured"),
        ("It is not CURING anything.", "CURING"),
        ('Sites say it "boosts immunity"; the studies do not.', None),
        ("Secure, accurate and current work occurs here.", None),
    ],
)
def test_wording_check_reports_each_banned_phrase_whatever_its_case(line: str, reported: str | None) -> None:
    page, problems = parse_page("articles/x.md", "article", article("x", 1, f"## Why\n\n{line}\n"))
    assert page is not None, problems
    found = [p.message for p in check_wording(page)]
    if reported is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(f'"{reported}": we never publish'), found


def test_ids_of_a_rendering_are_the_id_attributes_only() -> None:
    body = '## A heading\n\nText with <span id="raw">raw</span>, <span data-id="no">x</span> and <b\nid="nl">y</b>.\n'
    assert Renderer(()).render(body, "content/a.md").ids == {"a-heading", "raw", "nl"}

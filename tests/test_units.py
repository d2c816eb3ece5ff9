"""Unit tests on the engine's pure functions, with inline strings."""

from __future__ import annotations

import dataclasses
import html
import marshal
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown import treeprocessors
from markdown.blockparser import BlockParser
from markdown.extensions import toc
from sitekit import article

from sitegen import search
from sitegen.assets import fingerprint, rewrite_css_urls
from sitegen.cache import BuildCache, SourceEntry, decode_entry, encode_body, encode_head
from sitegen.check import check_wording
from sitegen.config import split_base_url
from sitegen.content import decode_source, parse_page, split_front_matter
from sitegen.errors import Problem
from sitegen.glossary import Term, TermFinder
from sitegen.markdown import TRIGGERS, Link, Renderer, classify_link
from sitegen.punctuation import smarten
from sitegen.search import StaleCopyError, Terms, page_terms, shard_name, term_weights
from sitegen.site import Site
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
NESTED = """**Bold with a [link](https://x.org) and `code`** then *em [in](a.md) _under_ it* and [*em* in a
link](b.md "title") and [`code` link](c.md) and a snake_case_word, 2 * 3 * 4, ***both*** and **_mixed_**.

- **Lead.** A cite [@a; @b] in *em [@c]* and a [link with \\[escaped\\] text](d.md).
- Entities &copy; in **bold &amp; more** and a < b > c with <em>html *inside*</em> and _a_b_ here.
- A hard break at the end of *em*\x20\x20
  then more and ![image *alt*](static/i.png) and [ref *em*][r] and [r].

[r]: https://example.org
"""
BLOCKS = """Setext heading
==============

Another one
-----------

> A quote with *em*
> and a second line
>> nested

* * *
- - -
___

A paragraph # not a heading, a > not a quote, a : not a definition and a | not a table.

1. One
2. Two

    > quoted in a list
    ### heading in a list

- item
    - nested item

Term
: Definition

a | b
--|--
1 | 2

Text [ref]. *[HTML]: HyperText
[ref]: https://example.org "Title"
   [other]:
   https://example.org/2
"""
HEADINGS = """# A title

## Plain   spaced    heading

## Fish & chips

## One > two

## R&D &amp; *em* and `code`

## A \\*escaped\\* one with a \\\\ backslash

### With a note[^n] and <span>html</span> and &copy;

### Quotes "like" this -- and 'that' ...

## Same heading

## Same heading

## Same heading {: #custom }

Setext with < and > and a [link](a.md)
---

[^n]: The note.
"""
SAMPLES = [
    MARKDOWN_FEATURES,
    NESTED,
    BLOCKS,
    HEADINGS,
    "R&D, fish &amp; chips &copy; &#169; and &nbsp here.",
    "No markup at all, not even an ampersand.",
    "Only *em* here.",
    "A [link](https://x.org) only.",
    "Tab\tbreak\t\nhere",
    "a: b\n\n: c",
]
REAL_BODIES = [p.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for p in sorted(Path("content").rglob("*.md"))]


@pytest.mark.parametrize("body", SAMPLES + REAL_BODIES)
def test_leaving_out_processors_a_page_cannot_use_and_those_a_text_cannot_match_changes_nothing(body: str) -> None:
    pruned = Renderer(())
    pruned.render(MARKDOWN_FEATURES, "content/a.md")  # a page that needs every processor first, then this one
    every = Renderer(())
    every._use_processors_for = lambda body: None  # type: ignore[method-assign]  # keep every processor
    every.md.treeprocessors.register(treeprocessors.InlineProcessor(every.md), "inline", 20)  # tries every pattern
    every.md.parser.__class__ = BlockParser  # and every block processor on every block
    heading_ids = every.md.treeprocessors["toc"]  # and each heading's name made by the toc extension's code
    heading_ids.name = lambda h: toc.strip_tags(toc.render_inner_html(toc.remove_fnrefs(h), every.md))  # type: ignore[attr-defined]
    assert pruned.render(body, "content/a.md") == every.render(body, "content/a.md")


def test_a_page_without_their_triggers_is_rendered_without_any_optional_processor() -> None:
    renderer = Renderer(())
    renderer.render(MARKDOWN_FEATURES, "content/a.md")  # every optional processor registered
    renderer.render("Plain text: no markup, nothing to trigger one.\n", "content/b.md")
    registered = {(kind, item.name) for kind, registry in renderer.registries.items() for item in registry._priority}
    assert registered & TRIGGERS.keys() == set()


def test_features_render_with_pruning() -> None:
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


def test_search_terms_weigh_title_summary_and_headings_and_skip_stopwords_and_citations() -> None:
    body = (
        "## Cortisol levels\n\nThe cortisol and the CORTISOL [@a]. Sleep.\n\n"
        + "lymph " * 14
        + "node " * 9
        + "drain " * 11
    )
    rendered = Renderer(()).render(body, "content/articles/x.md")
    source = article("x", 1, body, title='"Stress hormones"', summary='"What cortisol does."')
    page, problems = parse_page("articles/x.md", "article", source)
    assert page is not None, problems
    terms = term_weights(page_terms(page, rendered))
    assert terms["cortisol"] == 3 + 5 + 5  # three uses (one in the heading), the summary, a heading
    assert terms["hormones"] == 20 and terms["sleep"] == 1
    assert (terms["lymph"], terms["drain"], terms["node"]) == (10, 10, 9)  # uses in the text count up to 10
    assert "the" not in terms and "1" not in terms and "ref" not in terms


@pytest.mark.parametrize(
    "text",
    [
        "".join(f"ab{chr(i)}c{chr(i)}de" for i in range(128)),  # every ASCII character between words
        "Don’t “quote” ‘me’ – or — x… y z 2nd",  # punctuation.py's marks
        "Café naïve résumés x y",  # not ASCII
    ],
)
def test_words_counted_for_search_are_runs_of_two_or_more_word_characters(text: str) -> None:
    page, problems = parse_page("articles/x.md", "article", article("x", 1, "Body."))
    assert page is not None, problems
    page = dataclasses.replace(page, title="", summary="")  # the text's words only
    rendered = Renderer(()).render("Body.", "content/articles/x.md")
    rendered = dataclasses.replace(rendered, html=f"<p>{html.escape(text, quote=False)}</p>", toc=())
    expected = Counter(re.findall(r"\w\w+", text.lower().replace("_", " ")))
    for word in search.STOPWORDS & expected.keys():
        del expected[word]
    assert term_weights(page_terms(page, rendered)) == {word: min(count, 10) for word, count in expected.items()}


@pytest.mark.parametrize("kind", ["article", "page"])  # a page has no reviewed date
def test_cache_entries_survive_marshal_unchanged(kind: str) -> None:
    body = "## Why\n\nSee [b](b.md#why) and [here](#why) [@moyer2004].\n\n| a |\n|---|\n| 1 |\n"
    source = article("a", 1, body) if kind == "article" else "---\ntitle: A\nsummary: S.\n---\n" + body
    page, problems = parse_page(f"{kind}s/a.md", kind, source)
    assert page is not None, problems
    rendered = Renderer(()).render(body, page.project_path)
    entry = SourceEntry(page, rendered, (Problem(page.project_path, 3, "a problem", "warning"),), ("why", b"\x05"), "x")
    head, body = marshal.loads(marshal.dumps((encode_head(entry), encode_body(entry))))
    assert decode_entry(head, lambda: body) == entry and len(rendered.links) == 2
    assert (page.reviewed is None) == (kind == "page")


def test_a_cached_head_of_another_shape_is_not_used(tmp_path: Path) -> None:
    """A head with a page field too many or too few (a cache written by other code) is
    ignored, so that its source is rendered again, never half read."""
    page, problems = parse_page("articles/a.md", "article", article("a", 1, "Body."))
    assert page is not None, problems
    entry = SourceEntry(page, Renderer(()).render("Body.", page.project_path), ())
    fields, found, shown, indexed = encode_head(entry)
    cache = BuildCache(tmp_path)
    heads = {"a" * 64: (fields, found, shown, indexed)}
    heads |= {
        "a" * 63 + "b": (fields[:-1], found, shown, indexed),
        "a" * 63 + "c": ((*fields, 1), found, shown, indexed),
    }
    cache._write("sources-a.marshal", heads)
    assert cache.get("a" * 64) is not None
    assert cache.get("a" * 63 + "b") is None and cache.get("a" * 63 + "c") is None


def test_search_index_updated_in_place_equals_the_whole_index() -> None:
    """Edits that add, drop and reweigh words (emptying a shard, starting one) give the same
    files as building the whole index; only the files that differ are returned."""

    def site_of(bodies: dict[str, str]) -> tuple[Site, dict[str, tuple[str, Terms]]]:
        pages, rendered = [], {}
        for order, (slug, body) in enumerate(bodies.items(), start=1):
            page, problems = parse_page(f"articles/{slug}.md", "article", article(slug, order, body))
            assert page is not None, problems
            pages.append(page)
            rendered[page.project_path] = Renderer(()).render(body, page.project_path)
        site = Site(pages, rendered, {}, (), Urls("/", ""), {})
        sources = {}
        for p in pages:  # the body stands for the cache key of the page's entry
            sources[p.project_path] = (bodies[p.slug], page_terms(p, rendered[p.project_path]))
        return site, sources

    def update_index(
        last: dict[str, Any] | None,
        site: Site,
        sources: dict[str, tuple[str, Terms]],
        earlier: dict[str, Terms],
        read: Callable[[str], bytes | None],
        asked: list[str] | None = None,  # the pages whose terms were asked for
    ) -> tuple[dict[str, bytes], dict[str, Any]]:
        def terms(path: str) -> Terms:
            (asked if asked is not None else []).append(path)
            return sources[path][1]

        return search.update_index(last, site, {path: key for path, (key, _) in sources.items()}, terms, earlier, read)

    bodies = {"a": "Cortisol and sleep.\n", "b": "Cortisol, cortisol, lymph.\n", "c": "Zygote quiz.\n"}
    site, sources = site_of(bodies)
    files, state = update_index(None, site, sources, {}, lambda name: None)
    for slug, body in [("b", "Cortisol and oxytocin.\n"), ("c", "Lymph.\n"), ("a", "Cortisol and sleep.\n")]:
        earlier = {key: terms for key, terms in sources.values()}
        site, sources = site_of(bodies | {slug: body})
        changed_pages = [f"content/articles/{slug}.md"] if bodies[slug] != body else []
        bodies[slug] = body
        asked: list[str] = []
        changed, state = update_index(state, site, sources, earlier, files.get, asked)
        assert asked == changed_pages  # in place: only the changed page's terms are read
        whole, whole_state = update_index(None, site, sources, {}, lambda name: None)
        assert state == whole_state
        assert changed == {name: data for name, data in whole.items() if files.get(name) != data}
        assert len(changed) < len(whole)
        files = whole
    assert shard_name("zygote") not in files and shard_name("oxytocin") in files
    earlier = {key: terms for key, terms in sources.values()}
    site, sources = site_of(bodies | {"a": "Quiz.\n"})
    # without the earlier terms of a changed page, the whole index is built again
    assert update_index(state, site, sources, {}, files.get)[0] == update_index(None, site, sources, {}, files.get)[0]
    # a copy of the last index that is not what was written is never used
    damaged = {name: data + b" " for name, data in files.items()}
    with pytest.raises(StaleCopyError):
        update_index(state, site, sources, earlier, damaged.get)


def test_file_digest_is_trusted_only_while_the_file_is_untouched_and_was_old(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("first version")
    cache = BuildCache()
    assert cache.file_digest(str(source))[1] == b"first version"  # just written: read, not recorded
    cache.finish()
    assert cache.file_digest(str(source))[1] is not None
    an_hour_ago = time.time() - 3600
    os.utime(source, (an_hour_ago, an_hour_ago))
    time.sleep(2.1)  # the change time, which utime cannot set back, must be old too
    digest, data = cache.file_digest(str(source))
    assert data == b"first version"
    cache.finish()
    assert cache.file_digest(str(source)) == (digest, None)  # untouched and old: not read again
    cache.finish()
    source.write_text("other version")  # same size, and the same modification time as before
    os.utime(source, (an_hour_ago, an_hour_ago))
    assert cache.file_digest(str(source))[1] == b"other version"  # the change time gives it away


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

"""Unit tests on the engine's pure functions, with inline strings."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest
from markdown import treeprocessors
from markdown.blockparser import BlockParser
from markdown.extensions import toc
from sitekit import article

from sitegen import watch
from sitegen.assets import fingerprint, rewrite_css_urls
from sitegen.cache import BuildCache, SourceEntry, decode_entry, encode_body, encode_head
from sitegen.check import check_wording
from sitegen.config import split_base_url
from sitegen.content import decode_source, parse_page, split_front_matter
from sitegen.errors import Problem
from sitegen.glossary import Term, TermFinder
from sitegen.markdown import TRIGGERS, Link, Renderer, classify_link
from sitegen.punctuation import smarten
from sitegen.serve import snapshot, updated_snapshot
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


@pytest.mark.skipif(not watch.available(), reason="inotify is Linux-only; elsewhere the dev server polls")
def test_inotify_reports_saves_in_new_folders_and_nothing_otherwise(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    watcher = watch.Inotify([tmp_path / "content"])
    try:
        assert not watcher.read()
        (tmp_path / "content" / "articles").mkdir()
        assert watcher.read()  # the new folder, now watched too
        (tmp_path / "content" / "articles" / "a.md").write_text("x")
        assert watcher.read()
        assert not watcher.read()
        (tmp_path / "elsewhere.md").write_text("x")  # outside the watched tree
        assert not watcher.read()
    finally:
        watcher.close()


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


def test_snapshot_updated_from_the_files_the_watcher_named_equals_a_new_snapshot(tmp_path: Path) -> None:
    for name in ("site.yaml", "content/articles/a.md", "content/articles/b.md", "static/style.css", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    seen = snapshot(tmp_path)
    time.sleep(0.01)
    (tmp_path / "content/articles/a.md").write_text("changed")  # modified
    (tmp_path / "content/articles/b.md").unlink()  # deleted
    (tmp_path / "content/articles/c.md").write_text("new")  # created
    (tmp_path / "content/articles/.c.md.swp").write_text("editor")  # ignored
    (tmp_path / "notes.txt").write_text("not watched")
    (tmp_path / "site.yaml").write_text("title: changed")
    names = ["content/articles/a.md", "content/articles/b.md", "content/articles/c.md"]
    names += ["content/articles/.c.md.swp", "notes.txt", "site.yaml"]
    now = updated_snapshot(tmp_path, seen, {tmp_path / name for name in names})
    assert now == snapshot(tmp_path) != seen
    assert "content/articles/c.md" in now and "content/articles/b.md" not in now


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

"""One configured Python-Markdown instance and the tree-processors that make links,
citations and glossary terms.

Rendering depends only on the Markdown text and the glossary: links to other pages are
written as ``sglink:<project path>#fragment`` placeholders and glossary links as
``sgterm:<anchor>``; ``site.py`` resolves both to real URLs after every page is known.
That keeps a page's rendering cacheable on its own text.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension, abbr, admonition, attr_list, def_list, footnotes, tables, toc
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .glossary import Term, TermFinder
from .punctuation import smarten
from .rawhtml import RawHtmlExtension

# Python-Markdown's extensions we use, given as classes, not names: for a name, Markdown scans
# every installed package's entry points (importlib.metadata), 30 ms of a build that renders one page.
EXTENSION_CLASSES: dict[str, type[Extension]] = {
    "toc": toc.TocExtension,
    "tables": tables.TableExtension,
    "footnotes": footnotes.FootnoteExtension,
    "attr_list": attr_list.AttrListExtension,
    "admonition": admonition.AdmonitionExtension,
    "def_list": def_list.DefListExtension,
    "abbr": abbr.AbbrExtension,
}
EXTENSION_CONFIG = {"toc": {"toc_depth": "2-3"}}
LINK_PREFIX = "sglink:"
TERM_PREFIX = "sgterm:"
CITATION = r"\[(@[^\[\]\n]+)\]"
CITE_KEY = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_.:-]*)$")
NO_TERMS_IN = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "abbr", "dfn", "kbd", "script", "style"}


@dataclass(frozen=True)
class Link:
    """An internal link as written: ``kind`` is page, static, anchor or bad."""

    kind: str
    target: str  # project path ("content/articles/x.md", "static/a.png") or "" for anchors
    fragment: str
    raw: str  # the href as the editor wrote it
    line: int = 0  # lines after the body's first line where it is written (0 if not found)


@dataclass(frozen=True)
class Rendered:
    """A page's Markdown turned into HTML, and what it refers to."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, id, text) of h2/h3 headings
    h2_ids: tuple[str, ...]
    ids: frozenset[str]
    links: tuple[Link, ...]
    citations: tuple[str, ...]  # keys in order of first use; number = index + 1
    bad_citations: tuple[str, ...]  # citation texts that are not "@key; @key"
    terms: tuple[str, ...]  # glossary anchors marked on this page
    has_h1: bool


def classify_link(href: str, source: str) -> Link | None:
    """Decide what an href points at; ``source`` is the page's project path. None: external."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    fragment = unquote(parts.fragment)
    if not parts.path:
        return Link("anchor", "", fragment, href)
    path = unquote(parts.path)
    base = "" if path.startswith("/") else posixpath.dirname(source)
    target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if target.startswith("../") or target == "..":
        return Link("bad", target, fragment, href)
    if target.startswith("content/") and target.endswith(".md"):
        return Link("page", target, fragment, href)
    if target.startswith("static/"):
        return Link("static", target, fragment, href)
    return Link("bad", target, fragment, href)


class CitationProcessor(InlineProcessor):
    """``[@a; @b]`` -> superscript numbered links to the page's reference list."""

    def __init__(self, state: RenderState) -> None:
        super().__init__(CITATION)
        self.state = state

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]
        parts = [p.strip() for p in m.group(1).split(";")]
        keys = [CITE_KEY.match(p) for p in parts]
        sup = etree.Element("sup", {"class": "cite"})
        if not all(keys):
            self.state.bad_citations.append(m.group(0))
            sup.text = m.group(0)
            return sup, m.start(0), m.end(0)
        sup.text = "["
        for index, match in enumerate(keys):
            assert match is not None
            key = match.group(1)
            if key not in self.state.citations:
                self.state.citations.append(key)
            number = self.state.citations.index(key) + 1
            uses = self.state.citation_uses[key] = self.state.citation_uses.get(key, 0) + 1
            link = etree.SubElement(
                sup, "a", {"href": f"#ref-{key}", "id": f"cite-{key}-{uses}", "aria-label": f"source {number}"}
            )
            link.text = str(number)
            link.tail = ", " if index < len(keys) - 1 else "]"
        return sup, m.start(0), m.end(0)


class LinkProcessor(Treeprocessor):
    """Record internal links and turn them into placeholders resolved by the site."""

    def __init__(self, md: markdown.Markdown, state: RenderState) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            value = element.get(attribute) if attribute else None
            if not attribute or value is None or value.startswith(("#ref-", "#cite-", "#fn")):
                continue
            link = classify_link(value, self.state.source)
            if link is None:
                continue
            found = self.state.body.find(link.raw)
            link = dataclasses.replace(link, line=self.state.body.count("\n", 0, found) if found >= 0 else 0)
            self.state.links.append(link)
            if link.kind in ("page", "static"):
                suffix = f"#{link.fragment}" if link.fragment else ""
                element.set(attribute, f"{LINK_PREFIX}{link.target}{suffix}")


class TextProcessor(Treeprocessor):
    """One pass over the prose text of a page, after the inline patterns have run.

    It makes quotes, dashes and ellipses typographic (see punctuation.py) and links the
    first use of each glossary term on the page to its glossary entry.
    """

    def __init__(self, md: markdown.Markdown, state: RenderState, terms: tuple[Term, ...]) -> None:
        super().__init__(md)
        self.state = state
        self.finder = TermFinder(terms)
        self.before = ""  # the last character of prose seen, for quotes that open or close
        self.first_words: frozenset[str] = frozenset()  # of glossary spellings on this page

    def run(self, root: etree.Element) -> None:
        self.before = ""
        self.first_words = self.finder.first_words(self.state.body)
        self._walk(root, terms=bool(self.first_words))

    def _walk(self, element: etree.Element, terms: bool) -> None:
        block = self.md.is_block_level(element.tag)
        if block:
            self.before = ""
        terms = terms and element.tag not in NO_TERMS_IN and "admonition-title" not in (element.get("class") or "")
        children = list(element)
        added = 0  # links inserted so far: a child's index is now its old one plus this
        if element.text:
            element.text = self._prose(element.text)
            if terms:
                element.text, nodes = self._mark(element.text)
                if nodes:
                    element[0:0] = nodes
                    added += len(nodes)
        for index, child in enumerate(children):
            self._walk(child, terms)
            if block and self.md.is_block_level(child.tag):
                self.before = ""
            if child.tail:
                child.tail = self._prose(child.tail)
                if terms:
                    child.tail, nodes = self._mark(child.tail)
                    if nodes:
                        position = index + added + 1
                        element[position:position] = nodes
                        added += len(nodes)

    def _prose(self, text: str) -> str:
        if not isinstance(text, AtomicString):  # code, and text a pattern asked to keep as it is
            text = smarten(text, self.before)
        self.before = text[-1]
        return text

    def _mark(self, text: str) -> tuple[str, list[etree.Element]]:
        """Split ``text`` at first uses of unmarked terms; return leading text and new links."""
        if isinstance(text, AtomicString) or not self.first_words:
            return text, []
        nodes: list[etree.Element] = []
        head, position = text, 0
        for start, end, term in self.finder.find(text, self.state.used_terms, self.first_words):
            if term.anchor in self.state.used_terms:
                continue
            self.state.terms.append(term.anchor)
            self.state.used_terms.add(term.anchor)
            link = etree.Element("a", {"class": "term", "href": TERM_PREFIX + term.anchor, "title": term.definition})
            link.text = text[start:end]
            if nodes:
                nodes[-1].tail = text[position:start]
            else:
                head = text[:start]
            nodes.append(link)
            position = end
        if nodes:
            nodes[-1].tail = text[position:]
            # words all of whose terms are now linked need not be looked for in the rest of the page
            self.first_words = frozenset(w for w in self.first_words if self.finder.unused(w, self.state.used_terms))
        return head, nodes


class RenderState:
    """What one page's rendering collects; reset for every page."""

    def __init__(self) -> None:
        self.reset("", "")

    def reset(self, source: str, body: str) -> None:
        self.source = source
        self.body = body
        self.links: list[Link] = []
        self.citations: list[str] = []
        self.citation_uses: dict[str, int] = {}
        self.bad_citations: list[str] = []
        self.terms: list[str] = []
        self.used_terms: set[str] = set()  # the same anchors, for quick lookups


class SiteExtension(Extension):
    def __init__(self, state: RenderState, terms: tuple[Term, ...]) -> None:
        super().__init__()
        self.state = state
        self.terms = terms

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.ESCAPED_CHARS.extend(['"', "'"])  # \" keeps a straight quote, as with the smarty extension
        md.inlinePatterns.register(CitationProcessor(self.state), "citation", 175)
        md.treeprocessors.register(LinkProcessor(md, self.state), "site-links", 7)
        md.treeprocessors.register(TextProcessor(md, self.state, self.terms), "prose-text", 6)


class Renderer:
    """A reusable Markdown instance configured for this site."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms
        self.state = RenderState()
        self.md = markdown.Markdown(
            extensions=[
                *(extension(**EXTENSION_CONFIG.get(name, {})) for name, extension in EXTENSION_CLASSES.items()),
                SiteExtension(self.state, terms),
                RawHtmlExtension(),  # the raw HTML policy (rawhtml.py)
            ],
            output_format="html",
        )

    def render(self, body: str, source: str) -> Rendered:
        """Render one page's Markdown; ``source`` is its project path (content/...)."""
        self.md.reset()
        self.state.reset(source, body)
        markup = self.md.convert(body)
        tokens = _flatten(getattr(self.md, "toc_tokens", []))
        return Rendered(
            html=markup,
            toc=tuple((t["level"], t["id"], t["name"]) for t in tokens),
            h2_ids=tuple(t["id"] for t in tokens if t["level"] == 2),
            ids=frozenset(ID_ATTRIBUTE.findall(markup)),
            links=tuple(self.state.links),
            citations=tuple(self.state.citations),
            bad_citations=tuple(self.state.bad_citations),
            terms=tuple(self.state.terms),
            has_h1="<h1" in markup,
        )


ID_ATTRIBUTE = re.compile(r'\sid="([^"]+)"')


def _flatten(tokens: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for token in tokens:
        out.append(token)
        out += _flatten(token.get("children", []))
    return out

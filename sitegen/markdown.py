"""One configured Python-Markdown instance and the tree-processors that make links,
citations and glossary terms.

Rendering depends only on the Markdown text and the glossary: links to other pages are
written as ``sglink:<project path>#fragment`` placeholders and glossary links as
``sgterm:<anchor>``; ``site.py`` resolves both to real URLs after every page is known.
That keeps a page's rendering cacheable on its own text.
"""

from __future__ import annotations

import dataclasses
import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
from markdown import blockprocessors, inlinepatterns, treeprocessors
from markdown.blockparser import BlockParser
from markdown.extensions import Extension, abbr, admonition, attr_list, def_list, footnotes, tables, toc
from markdown.extensions.toc import TocTreeprocessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString, Registry

from .glossary import Term, TermFinder
from .punctuation import smarten
from .rawhtml import RawHtmlExtension

# Python-Markdown's extensions we use, given as classes, not names: for a name, Markdown scans
# every installed package's entry points (importlib.metadata), 30 ms of a build that renders one page.
EXTENSION_CLASSES: dict[str, type[Extension]] = {
    "tables": tables.TableExtension,
    "footnotes": footnotes.FootnoteExtension,
    "attr_list": attr_list.AttrListExtension,
    "admonition": admonition.AdmonitionExtension,
    "def_list": def_list.DefListExtension,
    "abbr": abbr.AbbrExtension,
}
EXTENSIONS = ["toc", *EXTENSION_CLASSES]  # toc: our HeadingIdsExtension, below
EXTENSION_CONFIG = {"toc": {"toc_depth": "2-3"}}
LINK_PREFIX = "sglink:"
TERM_PREFIX = "sgterm:"
CITATION = r"\[(@[^\[\]\n]+)\]"
CITE_KEY = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_.:-]*)$")
# what the serializer escapes and the placeholders post-processors replace (see HeadingIds.name)
PLAIN_NAME_STOP = re.compile("[&<>\x02\x03]")
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
        self.source = ""
        self.body = ""
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


# Processors that can do nothing on a page without these strings, by (registry, name).
# Every text node of a page is tried against every inline pattern, in Python, and every
# block against every block processor, so leaving out those a page cannot use saves about
# a third of the Markdown work. Text nodes and blocks only ever hold parts of the page's own
# Markdown (with tabs expanded), so a processor whose trigger is absent from the body cannot
# act anywhere in it. Processors not listed here always run.
DEFINITION_LINE = re.compile(r"^ {0,3}:[ \t]", re.M)
TRIGGERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("inline", "backtick"): ("`",),
    ("inline", "escape"): ("\\",),
    ("tree", "unescape"): ("\\",),  # restores what the escape (and backtick) patterns stashed
    ("inline", "footnote"): ("[^",),
    ("inline", "citation"): ("[@",),
    ("inline", "reference"): ("]:",),  # needs a reference definition "[id]: url" on the page
    ("inline", "short_reference"): ("]:",),
    ("inline", "image_reference"): ("]:",),
    ("inline", "short_image_ref"): ("]:",),
    ("inline", "image_link"): ("![",),
    ("inline", "autolink"): ("<",),
    ("inline", "automail"): ("<",),
    ("inline", "html"): ("<",),
    ("inline", "entity"): ("&",),
    ("inline", "linebreak"): (" \n", "\t"),
    ("block", "table"): ("|",),
    ("block", "footnote"): ("[^",),
    ("tree", "footnote-duplicate"): ("[^",),
    ("post", "footnote"): ("[^",),
    # Raw HTML is taken out by an HTML parser run over the whole page; it acts on tags and on
    # entity and character references, so it is left out only when neither can be there.
    ("pre", "html_block"): ("<", "&"),
    ("block", "abbr"): ("*[",),
    ("tree", "abbr"): ("*[",),
    ("block", "admonition"): ("!!!",),
    ("tree", "attr_list"): ("{",),
    ("block", "defindent"): (":",),  # and a definition line: see _wanted
    ("block", "deflist"): (":",),
}


# Inline patterns by their regular expression, and strings one of which is in any text their
# expression matches (or looks ahead at). Python-Markdown tries every pattern on every text
# node, a Python call and a regex search each, though most nodes (a heading, a table cell, a
# link's text) hold none of these characters: QuickInlineProcessor skips those tries. Keyed by
# the expression itself, so that a pattern that changes, or another under the same name, is
# never skipped on an old assumption.
NEEDS_BY_EXPRESSION: dict[str, tuple[str, ...]] = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),
    inlinepatterns.REFERENCE_RE: ("[",),
    inlinepatterns.IMAGE_LINK_RE: ("![",),
    inlinepatterns.IMAGE_REFERENCE_RE: ("![",),
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
    r"\[\^([^\]]*)\]": ("[^",),  # the footnotes extension's reference
    CITATION: ("[@",),
}


# Block processors, by the regular expression their test (or, for those whose test always
# passes, their run) needs to match, and strings one of which is in any block it matches:
# without one, the test fails or the run hands the block back untouched. BlockParser tries
# every processor on every block until one takes it, and several of these expressions are
# tried at every character of the block: QuickBlockParser skips them, a seventh of the
# Markdown work. Keyed by expression as NEEDS_BY_EXPRESSION, for the same reason.
BLOCK_NEEDS_BY_EXPRESSION: dict[str, tuple[str, ...]] = {
    blockprocessors.BlockQuoteProcessor.RE.pattern: (">",),
    blockprocessors.HashHeaderProcessor.RE.pattern: ("#",),
    blockprocessors.SetextHeaderProcessor.RE.pattern: ("\n=", "\n-"),
    blockprocessors.HRProcessor.SEARCH_RE.pattern: ("-", "_", "*"),
    blockprocessors.ReferenceProcessor.RE.pattern: ("]:",),
    def_list.DefListProcessor.RE.pattern: (":",),
    footnotes.FootnoteBlockProcessor.RE.pattern: ("[^",),
    abbr.AbbrBlockprocessor.RE.pattern: ("*[",),
}


class QuickBlockParser(BlockParser):
    """Python-Markdown's block parser, which skips trying a processor on a block that does not
    contain what it needs (BLOCK_NEEDS_BY_EXPRESSION; a table needs a "|"): the same result."""

    known: dict[int, tuple[Any, re.Pattern[str] | None]]  # by id(processor), as QuickInlineProcessor

    def parseBlocks(self, parent: etree.Element, blocks: list[str]) -> None:
        known = self.__dict__.setdefault("known", {})  # made here: the parser became one in place, without __init__
        processors = []
        for processor in self.blockprocessors:
            entry = known.get(id(processor))
            if entry is None or entry[0] is not processor:
                entry = known[id(processor)] = processor, _screen(_block_needs(processor))
            processors.append(entry)
        while blocks:  # as BlockParser.parseBlocks
            for processor, needs in processors:
                if needs is not None and needs.search(blocks[0]) is None:
                    continue
                if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                    break


def _block_needs(processor: Any) -> tuple[str, ...] | None:
    if isinstance(processor, tables.TableProcessor):
        return ("|",)  # a row without a pipe is not a table's
    for name in ("SEARCH_RE", "RE"):  # HRProcessor.RE is its expression as a string
        expression = getattr(processor, name, None)
        if isinstance(expression, re.Pattern):
            return BLOCK_NEEDS_BY_EXPRESSION.get(expression.pattern)
    return None


def _screen(needs: tuple[str, ...] | None) -> re.Pattern[str] | None:
    """An expression matching any text that holds one of ``needs``."""
    return re.compile("|".join(map(re.escape, needs))) if needs else None


class QuickInlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's inline tree-processor, which skips trying a pattern on a text that does
    not contain what any of its matches would (NEEDS_BY_EXPRESSION): the same result, as the
    try would find no match and change nothing, for a third of the inline work."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.patterns: list[tuple[Any, re.Pattern[str] | None]] = []
        self.known: dict[int, tuple[Any, re.Pattern[str] | None]] = {}  # by id(pattern)

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self.patterns = []
        for pattern in self.md.inlinePatterns:
            known = self.known.get(id(pattern))
            if known is None or known[0] is not pattern:
                known = self.known[id(pattern)] = pattern, _screen(_needs(pattern))
            self.patterns.append(known)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, index: int = 0) -> str:
        """As the base class's __handleInline (which its other methods call by this name)."""
        if isinstance(data, AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        patterns = self.patterns
        start = 0
        while index < len(patterns):
            pattern, needs = patterns[index]
            if needs is not None and needs.search(data) is None:
                index, start = index + 1, 0
                continue
            data, matched, start = apply(pattern, data, index, start)
            if not matched:
                index += 1
        return data

    def _InlineProcessor__processPlaceholders(
        self, data: str | None, parent: etree.Element, is_text: bool = True
    ) -> list[tuple[etree.Element, list[str]]]:
        """As the base class's __processPlaceholders, without its set-up for a text holding no
        placeholder (more than eight texts in ten at 4,000 pages), which it adds to ``parent``."""
        if not data:
            return []
        if self._InlineProcessor__placeholder_prefix in data:  # type: ignore[attr-defined]
            return super()._InlineProcessor__processPlaceholders(data, parent, is_text)  # type: ignore[misc,no-any-return]
        text = AtomicString(data) if isinstance(data, AtomicString) else data  # as data[0:] would be
        if is_text:
            parent.text = parent.text + text if parent.text else text
        else:
            parent.tail = parent.tail + text if parent.tail else text
        return []


def _needs(pattern: Any) -> tuple[str, ...] | None:
    """Strings one of which any text ``pattern`` matches contains; None if not known."""
    expression = pattern.getCompiledRegExp().pattern
    tokens = getattr(pattern, "tokens", None)  # emphasis since 3.11: one pattern for every delimiter
    if isinstance(pattern, getattr(inlinepatterns, "DelimiterProcessor", ())) and tokens:
        return tuple(tokens) if expression == "|".join(re.escape(t) for t in tokens) else None
    return NEEDS_BY_EXPRESSION.get(expression)


class HeadingIds(TocTreeprocessor):
    """The toc extension's heading ids and heading list, without the table of contents it also
    builds, serializes and post-processes for every page (the templates make their own from the
    list): the same ids, by the same code, for a tenth of a millisecond less per page."""

    def run(self, doc: etree.Element) -> None:
        used_ids: set[str] = set()
        headings = []
        for element in doc.iter():
            if "id" in element.attrib:
                used_ids.add(element.attrib["id"])
            if isinstance(element.tag, str) and self.header_rgx.match(element.tag):
                headings.append(element)
        counters: dict[str, int] = {}
        tokens = []
        for element in headings:
            self.set_level(element)
            name = self.name(element)
            if "id" not in element.attrib:
                element.attrib["id"] = toc.unique(self.slugify(html.unescape(name), self.sep), used_ids, counters)
            if "data-toc-label" in element.attrib:
                label = toc.run_postprocessors(toc.unescape(element.attrib["data-toc-label"]), self.md)
                name = toc.escape_cdata(toc.strip_tags(label))
                del element.attrib["data-toc-label"]
            level = int(element.tag[-1])
            if self.toc_top <= level <= self.toc_bottom:
                tokens.append({"level": level, "id": toc.unescape(element.attrib["id"]), "name": name})
            if self.use_anchors:
                self.add_anchor(element, element.attrib["id"])
            if self.use_permalinks not in (False, None):
                self.add_permalink(element, element.attrib["id"])
        self.md.toc_tokens = tokens  # type: ignore[attr-defined]

    def name(self, heading: etree.Element) -> str:
        """The heading's text as the toc extension gives it: its inner HTML, serialized and
        post-processed, without tags or runs of white space. For a heading of plain text (no
        child, nothing to escape, no placeholder) that is its words joined by single spaces."""
        text = heading.text or ""
        if len(heading) == 0 and not PLAIN_NAME_STOP.search(text):
            return " ".join(text.split())
        return toc.strip_tags(toc.render_inner_html(toc.remove_fnrefs(heading), self.md))


class HeadingIdsExtension(toc.TocExtension):
    TreeProcessorClass = HeadingIds


class Renderer:
    """A reusable Markdown instance configured for this site."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms
        self.state = RenderState()
        self.md = markdown.Markdown(
            extensions=[
                HeadingIdsExtension(**EXTENSION_CONFIG["toc"]),
                *(extension(**EXTENSION_CONFIG.get(name, {})) for name, extension in EXTENSION_CLASSES.items()),
                SiteExtension(self.state, terms),
                RawHtmlExtension(),  # the raw HTML policy (rawhtml.py)
            ],
            output_format="html",
        )
        self.md.treeprocessors.register(QuickInlineProcessor(self.md), "inline", 20)
        self.md.parser.__class__ = QuickBlockParser  # its processors hold it: changed in place, not replaced
        self.md.is_block_level = _remembered(self.md.is_block_level)  # type: ignore[method-assign, assignment]
        self.registries: dict[str, Registry[Any]] = {
            "pre": self.md.preprocessors,
            "inline": self.md.inlinePatterns,
            "block": self.md.parser.blockprocessors,
            "tree": self.md.treeprocessors,
            "post": self.md.postprocessors,
        }
        self.optional: list[tuple[str, str, float, Any]] = []  # registry, name, priority, processor
        for kind, registry in self.registries.items():
            # (name, priority): no public accessor. A copy: registry[name] sorts the list in place,
            # which under a loop over the list itself skipped some processors (and visited others twice)
            priorities = list(registry._priority)  # type: ignore[attr-defined]
            self.optional += [
                (kind, i.name, i.priority, registry[i.name]) for i in priorities if (kind, i.name) in TRIGGERS
            ]

    def _use_processors_for(self, body: str) -> None:
        """Register exactly the optional processors that can act on ``body``."""
        for kind, name, priority, processor in self.optional:
            registry = self.registries[kind]
            wanted = _wanted(kind, name, body)
            if wanted and name not in registry:
                registry.register(processor, name, priority)
            elif not wanted and name in registry:
                registry.deregister(name)

    def render(self, body: str, source: str) -> Rendered:
        """Render one page's Markdown; ``source`` is its project path (content/...)."""
        self.md.reset()
        self._use_processors_for(body)
        self.state.__init__()  # type: ignore[misc]
        self.state.source = source
        self.state.body = body
        markup = self.md.convert(body)
        tokens = _flatten(getattr(self.md, "toc_tokens", []))
        return Rendered(
            html=markup,
            toc=tuple((t["level"], t["id"], t["name"]) for t in tokens),
            h2_ids=tuple(t["id"] for t in tokens if t["level"] == 2),
            ids=frozenset(_ids(markup)),
            links=tuple(self.state.links),
            citations=tuple(self.state.citations),
            bad_citations=tuple(self.state.bad_citations),
            terms=tuple(self.state.terms),
            has_h1="<h1" in markup,
        )


ID_ATTRIBUTE = re.compile(r'id="([^"]+)"')


def _ids(markup: str) -> list[str]:
    """The values of id attributes in ``markup``. The expression starts with a fixed string, so
    it is looked for by a fast scan (one starting with \\s is tried at every character: 4x the time);
    the space before the name is checked after."""
    return [m.group(1) for m in ID_ATTRIBUTE.finditer(markup) if m.start() and markup[m.start() - 1].isspace()]


def _remembered(is_block_level: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """``Markdown.is_block_level``, which lowers the tag and looks for it in a list of 50 names
    each time (for every element, by several processors), with each tag's answer kept."""
    known: dict[Any, bool] = {}

    def remembered(tag: Any) -> bool:
        block = known.get(tag)
        if block is None:
            block = known[tag] = is_block_level(tag)
        return block

    return remembered


def _wanted(kind: str, name: str, body: str) -> bool:
    if name in ("defindent", "deflist") and not DEFINITION_LINE.search(body):
        return False
    return any(trigger in body for trigger in TRIGGERS[kind, name])


def _flatten(tokens: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for token in tokens:
        out.append(token)
        out += _flatten(token.get("children", []))
    return out

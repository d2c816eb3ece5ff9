"""The raw HTML policy, as a Python-Markdown extension (public API: a treeprocessor and two
postprocessors).

Raw HTML in Markdown may use only the tags and attributes below; anything else (script,
iframe, object, embed, form, meta, base, style, an on* attribute, a javascript:, data: or
vbscript: URL) stops the build with the file and line. The same URL rule holds for Markdown
links and images, and for attributes set with attr_list (``{: onclick=...}``). A page that
holds raw HTML is then passed whole through nh3 with the same allow-list, so that what a
browser parses differently from Python's html.parser still cannot reach the page.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from .errors import Problem

# What prose may use, and all that Python-Markdown and this site's extensions write.
# fmt: off
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
# fmt: on
GENERIC_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "rel"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "style"}),  # style: the tables extension's text-align
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "time": frozenset({"datetime"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
}
VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
# nh3 (html5ever) takes time with the square of the nesting: 10,000 open elements 0.4 s, 100,000 31 s.
MAX_DEPTH = 64
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "poster", "background", "data", "srcset"})
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# Placeholders markdown.py writes for links the site resolves later (LINK_PREFIX, TERM_PREFIX).
URL_SCHEMES = frozenset({"http", "https", "mailto", "sglink", "sgterm"})
_INVISIBLE = "".join(chr(code) for code in range(0x21)) + "\x7f"


@dataclass(frozen=True, slots=True)
class Unsafe:
    """One thing the policy refuses: what to look for in the source, and what is wrong."""

    needle: str
    message: str


class UnsafeHtmlError(Exception):
    """A page breaks the raw HTML policy; ``found`` says where and how."""

    def __init__(self, found: list[Unsafe]) -> None:
        super().__init__("; ".join(item.message for item in found))
        self.found = found

    def problems(self, display: str, body: str, body_line: int) -> list[Problem]:
        """Each finding at the first body line that holds its needle, in any letter case."""
        lowered = body.lower()
        located = []
        for item in self.found:
            at = lowered.find(item.needle.lower())
            line = body_line + (body.count("\n", 0, at) if at >= 0 else 0)
            located.append(Problem(display, line, item.message, phase=0))  # the page is not loaded
        return located


def bad_url(value: str) -> bool:
    """Whether a URL runs script or embeds data, however it is spelt: browsers drop tabs and
    newlines anywhere in it and spaces and control characters around it, and ignore case
    (entities are already decoded by the parser)."""
    squeezed = "".join(char for char in value if char not in _INVISIBLE).lower()
    return squeezed.startswith(BAD_SCHEMES)


def attribute_problem(tag: str, name: str, value: str | None) -> str | None:
    """What is wrong with one attribute of one element, or None."""
    if name.startswith("on"):
        return f'the attribute "{name}" (a script) is not allowed'
    if name in URL_ATTRIBUTES and value is not None and bad_url(value):
        return f'the {name} "{" ".join(value.split())[:40]}" is not allowed: javascript:, data: and vbscript: URLs are refused'
    return None


class _Inspector(HTMLParser):
    """Collects what a page's fragments of raw HTML hold outside the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unsafe] = []
        self.depth = 0  # elements open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_TAGS:
            self.depth += 1
            if self.depth == MAX_DEPTH + 1:
                self.found.append(Unsafe(f"<{tag}", f"raw HTML is nested more than {MAX_DEPTH} elements deep"))
        if tag not in ALLOWED_TAGS:
            self.found.append(Unsafe(f"<{tag}", f"raw HTML <{tag}> is not allowed (see the raw HTML policy in README)"))
            return
        allowed = GENERIC_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            wrong = attribute_problem(tag, name, value)
            if wrong is None and name not in allowed and not name.startswith(("aria-", "data-")):
                wrong = f'the attribute "{name}" is not allowed on <{tag}>'
            if wrong is not None:
                self.found.append(Unsafe(name, f"raw HTML <{tag}>: {wrong}"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_TAGS:
            self.depth = max(0, self.depth - 1)

    def handle_decl(self, decl: str) -> None:
        self.found.append(Unsafe("<!", f"raw HTML <!{decl[:20]}> is not allowed"))

    def handle_pi(self, data: str) -> None:
        self.found.append(Unsafe("<?", "raw HTML <?...> is not allowed"))


def inspect_html(fragments: list[str]) -> list[Unsafe]:
    """What ``fragments`` (a page's raw HTML as the editor wrote it, in order) hold outside the policy."""
    inspector = _Inspector()
    for fragment in fragments:
        inspector.feed(fragment)
    inspector.close()
    return inspector.found


def sanitize(markup: str) -> str:
    """``markup`` with only the allow-list left, by nh3."""
    attributes = {tag: set(names) for tag, names in TAG_ATTRIBUTES.items()} | {"*": set(GENERIC_ATTRIBUTES)}
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        attributes=attributes,
        generic_attribute_prefixes={"aria-", "data-"},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


class _Findings:
    """What the processors of one rendering found (reset by Markdown.reset)."""

    def __init__(self) -> None:
        self.found: list[Unsafe] = []
        self.raw = False


class _TreeCheck(Treeprocessor):
    """Markdown links and images, and attr_list attributes: no script, no javascript: URL."""

    def __init__(self, md: markdown.Markdown, findings: _Findings) -> None:
        super().__init__(md)
        self.findings = findings

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for name, value in element.items():
                wrong = attribute_problem(str(element.tag), name, html.unescape(value))
                if wrong is not None:
                    self.findings.found.append(Unsafe(value if name in URL_ATTRIBUTES else name, wrong))


class _StashCheck(Postprocessor):
    """Each piece of raw HTML Python-Markdown set aside, before it is put back."""

    def __init__(self, md: markdown.Markdown, findings: _Findings) -> None:
        super().__init__(md)
        self.findings = findings

    def run(self, text: str) -> str:
        fragments = [block for block in self.md.htmlStash.rawHtmlBlocks if isinstance(block, str) and "<" in block]
        if fragments:
            self.findings.raw = True
            self.findings.found += inspect_html(fragments)
        return text


class _Sanitize(Postprocessor):
    """Refuse the page if anything was found; pass a page with raw HTML through nh3."""

    def __init__(self, md: markdown.Markdown, findings: _Findings) -> None:
        super().__init__(md)
        self.findings = findings

    def run(self, text: str) -> str:
        found, raw = self.findings.found, self.findings.raw
        self.findings.found, self.findings.raw = [], False
        if found:
            raise UnsafeHtmlError(found)
        return sanitize(text) if raw else text


class RawHtmlExtension(Extension):
    """Register the policy's processors: the checks before raw HTML is put back, nh3 after."""

    def __init__(self) -> None:
        super().__init__()
        self.findings = _Findings()

    def reset(self) -> None:
        """Called by Markdown.reset(): a rendering that failed half-way leaves nothing behind."""
        self.findings.found, self.findings.raw = [], False

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        findings = self.findings
        md.registerExtension(self)
        md.treeprocessors.register(_TreeCheck(md, findings), "raw-html-policy-tree", -1)  # after "unescape" (0)
        md.postprocessors.register(_StashCheck(md, findings), "raw-html-policy-check", 35)  # raw_html is 30
        md.postprocessors.register(_Sanitize(md, findings), "raw-html-policy-sanitize", 1)

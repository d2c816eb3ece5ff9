"""The Site: every page indexed by source and slug, with links resolved, backlinks,
related pages, previous/next, and the numbered sources each page cites."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from .bibliography import Source
from .content import Page
from .glossary import Term
from .markdown import LINK_PREFIX, TERM_PREFIX, Rendered
from .urls import Urls

# A placeholder as an attribute's value; the attribute's name is checked by Site.html. Starting
# with a fixed string, the expression is looked for by a fast scan, ten times quicker on a page
# than one starting with "(href|src)", which is tried at every character.
assert LINK_PREFIX[:2] == TERM_PREFIX[:2] == "sg"
PLACEHOLDER = re.compile(rf'="(sg(?:{LINK_PREFIX[2:]}|{TERM_PREFIX[2:]})[^"]*)"')
LINK_ATTRIBUTES = ("href", "src")


# A link written in one page's text to another page: (source, target) project paths. A plain
# tuple, because a site of thousands of pages has tens of thousands of them.
Edge = tuple[str, str]


class Site:
    """An index over the loaded pages; read-only once made."""

    def __init__(
        self,
        pages: list[Page],
        rendered: Mapping[str, Rendered],
        sources: Mapping[str, Source],
        terms: tuple[Term, ...],
        urls: Urls,
        assets: Mapping[str, str],
        drafts: frozenset[str] = frozenset(),
    ) -> None:
        self.pages = sorted(pages, key=lambda p: (p.kind != "page" or p.slug != "", p.kind, p.order, p.slug))
        self.rendered = rendered
        self.sources = sources
        self.terms = terms
        self.urls = urls
        self.assets = assets  # static path -> output path (fingerprinted names)
        self.drafts = drafts  # sources left out because they are drafts
        self.by_source = {p.project_path: p for p in self.pages}
        self.by_slug = {p.slug: p for p in self.pages}
        self.articles = [p for p in self.pages if p.kind == "article"]
        self.position = {p.project_path: i for i, p in enumerate(self.articles)}  # 0-based, articles only
        self.edges = self._edges()
        self.backlinks = self._backlinks()
        self.outlinks: dict[str, list[Page]] = {p.project_path: [] for p in self.pages}
        for edge in self.edges:
            self.outlinks[edge[0]].append(self.by_source[edge[1]])

    # -- navigation -------------------------------------------------------------
    def url(self, page: Page) -> str:
        return self.urls.page(page.slug)

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        """Previous and next article along ``order``."""
        index = self.position.get(page.project_path)
        if index is None:
            return None, None
        previous = self.articles[index - 1] if index > 0 else None
        following = self.articles[index + 1] if index + 1 < len(self.articles) else None
        return previous, following

    def related(self, page: Page) -> list[Page]:
        return [self.by_slug[s] for s in page.related if s in self.by_slug]

    def _edges(self) -> list[Edge]:
        edges: set[Edge] = set()
        for page in self.pages:
            for link in self.rendered[page.project_path].links:
                target = self.by_source.get(link.target) if link.kind == "page" else None
                if target is not None and target is not page:
                    edges.add((page.project_path, target.project_path))
        return sorted(edges)

    def _backlinks(self) -> dict[str, list[Page]]:
        found: dict[str, list[Page]] = {p.project_path: [] for p in self.pages}
        for edge in self.edges:
            found[edge[1]].append(self.by_source[edge[0]])
        return found

    # -- citations --------------------------------------------------------------
    def references(self, page: Page) -> list[tuple[int, Source]]:
        """The sources a page cites, numbered in order of first use."""
        keys = self.rendered[page.project_path].citations
        return [(n, self.sources[k]) for n, k in enumerate(keys, start=1) if k in self.sources]

    def citing_pages(self) -> dict[str, list[Page]]:
        """For each source id, the pages that cite it."""
        found: dict[str, list[Page]] = {}
        for page in self.pages:
            for key in self.rendered[page.project_path].citations:
                found.setdefault(key, []).append(page)
        return found

    def term_pages(self) -> dict[str, list[Page]]:
        """For each glossary anchor, the pages on which the term is explained by a link."""
        found: dict[str, list[Page]] = {}
        for page in self.pages:
            for anchor in self.rendered[page.project_path].terms:
                found.setdefault(anchor, []).append(page)
        return found

    # -- resolution -------------------------------------------------------------
    def resolve(self, target: str) -> str | None:
        """URL for a link placeholder's target, or None when it points nowhere."""
        if target.startswith(TERM_PREFIX):
            return self.urls.page("glossary") + "#" + target[len(TERM_PREFIX) :]
        path, _, fragment = target[len(LINK_PREFIX) :].partition("#")
        suffix = f"#{fragment}" if fragment else ""
        if path.startswith("static/"):
            return self.urls.to(self.assets[path]) + suffix if path in self.assets else None
        page = self.by_source.get(path)
        return self.url(page) + suffix if page else None

    def html(self, page: Page) -> str:
        """The page's rendered Markdown with every placeholder made a real URL."""

        markup = self.rendered[page.project_path].html

        def replace(match: re.Match[str]) -> str:
            if not markup.endswith(LINK_ATTRIBUTES, 0, match.start()):
                return match.group(0)
            url = self.resolve(html.unescape(match.group(1)))
            return f'="{html.escape(url or "#", quote=True)}"'

        return PLACEHOLDER.sub(replace, markup)

"""Render every output file of the site from the Site index: pages, generated pages, assets."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from .config import Config
from .content import Page
from .diagram import evidence_map
from .evidence import byline, evidence_rows, newest_year, report_link, review_team
from .publish import json_ld
from .site import Site
from .templates import render_template

EVIDENCE_LABELS = {
    "strong": "Strong evidence",
    "moderate": "Moderate evidence",
    "limited": "Limited evidence",
    "mixed": "Mixed evidence",
    "insufficient": "Insufficient evidence",
}
NAV_LIMIT = 12
LIST_LIMIT = 12  # "cited in" / "used in" lists name this many pages, then say how many more
CATEGORY_TITLES = {
    "research": "Studies of massage",
    "background": "Background: why each topic matters for immunity (these do not test massage)",
    "safety": "Safety",
}


def common_context(site: Site, config: Config, page_url: str) -> dict[str, Any]:
    """What every template gets."""
    urls = site.urls

    def asset(name: str) -> str:
        return urls.to(site.assets[f"static/{name}"])

    def jsonld(page: Page | None, url: str, title: str, description: str) -> dict[str, Any]:
        return json_ld(site, config, page, url, title, description)

    return {
        "site": config,
        "url": urls.to,
        "page_url": site.url,
        "asset": asset,
        "articles": site.articles,
        # every page lists the articles in its header only while that stays short (O(N) per page otherwise)
        "nav_articles": site.articles if len(site.articles) <= NAV_LIMIT else [],
        "evidence_labels": EVIDENCE_LABELS,
        "canonical": urls.absolute(page_url),
        "this_url": page_url,
        "home_url": urls.page(""),
        "about": site.by_slug.get("about"),
        "jsonld": jsonld,
        "page": None,
        "report_url": report_link(config, config.title, urls.absolute(page_url) or page_url, _report_fallback(site)),
    }


def _report_fallback(site: Site) -> str:
    return site.urls.page("about") + "#report-a-problem"


# Pages made from the whole site rather than from one source: output path -> template.
GENERATED = {
    "bibliography/index.html": "bibliography.html",
    "glossary/index.html": "glossary.html",
    "search/index.html": "search.html",
    "404.html": "404.html",
}


def render_page_files(site: Site, config: Config, env: jinja2.Environment, pages: list[Page]) -> dict[str, bytes]:
    """The HTML of each of ``pages`` (pages made from a source), keyed by output path."""
    return {p.output_path: _render(env, _page_template(p), _page_context(site, config, p)) for p in pages}


def render_generated(
    site: Site, config: Config, env: jinja2.Environment, skip: frozenset[str] = frozenset()
) -> dict[str, bytes]:
    """The GENERATED pages (but those in ``skip``), keyed by output path."""
    files: dict[str, bytes] = {}
    extras = {"bibliography.html": _bibliography_context, "glossary.html": _glossary_context}
    for path, template in GENERATED.items():
        if path in skip:
            continue
        url = site.urls.to(path.removesuffix("index.html"))
        extra = extras[template](site) if template in extras else {}
        context = {**common_context(site, config, url), **extra}
        if path == "404.html":  # served at every missing address: no canonical URL of its own
            context["canonical"] = ""
        files[path] = _render(env, template, context)
    return files


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> bytes:
    return render_template(env, template, context).encode("utf-8")


def _page_template(page: Page) -> str:
    if page.kind == "article":
        return "article.html"
    return "home.html" if page.slug == "" else "page.html"


def _page_context(site: Site, config: Config, page: Page) -> dict[str, Any]:
    rendered = site.rendered[page.project_path]
    previous, following = site.neighbours(page)
    context = common_context(site, config, site.url(page))
    context.update(
        page=page,
        content=Markup(site.html(page)),
        toc=rendered.toc if len(rendered.toc) >= config.toc_min_headings else (),
        previous=previous,
        next=following,
        related=site.related(page),
        backlinks=site.backlinks[page.project_path],
        references=site.references(page),
        sources=site.sources,  # the whole bibliography, for the shared safety advice (templates/safety.html)
        position=site.position.get(page.project_path, -1) + 1,
        review_team=review_team(config) if page.slug == "about" else [],
    )
    if page.kind == "article":
        context.update(_review_context(site, config, page))
    if page.slug == "":
        context.update(evidence_steps=evidence_map(site.articles))
    return context


def _review_context(site: Site, config: Config, page: Page) -> dict[str, Any]:
    """An article's byline, evidence table and report link (evidence.py)."""
    url = site.url(page)
    rows = evidence_rows(site, page)
    report = report_link(config, page.title, site.urls.absolute(url) or url, _report_fallback(site))
    return {**byline(page, config), "evidence_rows": rows, "newest_year": newest_year(rows), "report_url": report}


def _bibliography_context(site: Site) -> dict[str, Any]:
    citing = site.citing_pages()
    groups = []
    for category, title in CATEGORY_TITLES.items():
        sources = sorted(
            (s for s in site.sources.values() if s.category == category),
            key=lambda s: ((s.authors or s.title).lower(), s.year or 0, s.id),  # no authors: by its title
        )
        groups.append((category, title, [(s, *_shortlist(citing.get(s.id, []))) for s in sources]))
    return {"groups": groups}


def _glossary_context(site: Site) -> dict[str, Any]:
    used = site.term_pages()
    return {"terms": [(t, *_shortlist(used.get(t.anchor, []))) for t in site.terms]}


def _shortlist(pages: list[Page]) -> tuple[list[Page], int]:
    """The first LIST_LIMIT pages and how many more there are (a long site keeps these pages small)."""
    return pages[:LIST_LIMIT], max(0, len(pages) - LIST_LIMIT)

"""What search engines, feed readers and apps read: sitemap, robots.txt, Atom feed,
OpenGraph/Twitter tags and JSON-LD."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from .bibliography import Source
from .config import Config
from .content import Page
from .evidence import reviewed_by
from .review import reviewers
from .site import Site

log = logging.getLogger("sitegen")
EPOCH = dt.date(2000, 1, 1)  # "updated" of a feed with no dated entry: fixed, never the clock


def escape(text: str) -> str:
    """&, <, >, " and ' as XML entities, for text and for attribute values: the one escaping
    of feed.xml and sitemap.xml (what xml.sax.saxutils.escape does with quotes added; importing
    that module pulls in urllib.request, ~25 ms of every build's start-up). Control characters
    never reach here: characters.py refuses them in every source."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def missing_origin_notice(config: Config) -> str:
    """One line saying what a path-only base URL cannot produce ('' when the origin is known)."""
    if config.origin:
        return ""
    return (
        f'base_url "{config.base_path}" is a path only: sitemap.xml, feed.xml, canonical and og:url links '
        'need a full address; set base_url: "https://host/path/" in site.yaml or pass --base-url'
    )


def publication_files(site: Site, config: Config) -> dict[str, bytes]:
    """robots.txt always; sitemap.xml and feed.xml when the site's full address is known."""
    files = {"robots.txt": robots_txt(site, config).encode()}
    if config.origin:
        files["sitemap.xml"] = sitemap_xml(site, config).encode()
        files["feed.xml"] = atom_feed(site, config).encode()
    return files


def robots_txt(site: Site, config: Config) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if config.origin:
        lines.append(f"Sitemap: {site.urls.absolute(site.urls.to('sitemap.xml'))}")
    return "\n".join(lines) + "\n"


def listed_pages(site: Site) -> list[tuple[str, dt.date | None]]:
    """Every indexable URL and its last-reviewed date: pages, bibliography, glossary."""
    entries: list[tuple[str, dt.date | None]] = [(site.url(p), p.reviewed) for p in site.pages]
    newest = max((p.reviewed for p in site.pages if p.reviewed), default=None)
    entries += [(site.urls.page("bibliography"), newest), (site.urls.page("glossary"), newest)]
    return entries


def sitemap_xml(site: Site, config: Config) -> str:
    rows = []
    for url, reviewed in listed_pages(site):
        lastmod = f"<lastmod>{reviewed.isoformat()}</lastmod>" if reviewed else ""
        rows.append(f"  <url><loc>{escape(site.urls.absolute(url))}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def atom_feed(site: Site, config: Config) -> str:
    home = site.urls.absolute(site.urls.page(""))
    articles = sorted(site.articles, key=lambda p: (p.reviewed or EPOCH, -p.order), reverse=True)
    updated = max((p.reviewed or EPOCH for p in articles), default=EPOCH)
    entries = []
    for page in articles:
        link = site.urls.absolute(site.url(page))
        stamp = f"{(page.reviewed or EPOCH).isoformat()}T00:00:00Z"
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(page.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(link)}"/>\n'
            f"    <id>{escape(link)}</id>\n"
            f"    <updated>{stamp}</updated>\n"
            f"    <summary>{escape(page.summary)}</summary>\n"
            "  </entry>"
        )
    feed_url = site.urls.absolute(site.urls.to("feed.xml"))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(config.language)}">\n'
        f"  <title>{escape(config.title)}</title>\n"
        f"  <subtitle>{escape(config.tagline)}</subtitle>\n"
        f'  <link rel="self" type="application/atom+xml" href="{escape(feed_url)}"/>\n'
        f'  <link rel="alternate" type="text/html" href="{escape(home)}"/>\n'
        f"  <id>{escape(home)}</id>\n"
        f"  <updated>{updated.isoformat()}T00:00:00Z</updated>\n"
        f"  <author><name>{escape(config.author)}</name></author>\n" + "\n".join(entries) + "\n</feed>\n"
    )


def json_ld(site: Site, config: Config, page: Page | None, url: str, title: str, description: str) -> dict[str, Any]:
    """schema.org data for a page: MedicalWebPage for articles, WebPage otherwise. The template
    writes it with Jinja's tojson, which leaves no <, > or & raw inside the script block."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage" if page and page.kind == "article" else "WebPage",
        "name": title,
        "headline": page.title if page else title,
        "description": description,
        "inLanguage": config.language,
        "isPartOf": {"@type": "WebSite", "name": config.title},
        "publisher": {"@type": "Organization", "name": config.author},
    }
    if config.origin:
        data["url"] = site.urls.absolute(url)
    if page and page.reviewed:
        data["lastReviewed"] = page.reviewed.isoformat()
        data["dateModified"] = page.reviewed.isoformat()
    if page and page.kind == "article":
        data["reviewedBy"] = reviewed_by(reviewers(page, config))
        data["about"] = {"@type": "Thing", "name": page.title}
        data["keywords"] = ", ".join(page.tags)
        data["citation"] = [_citation(s) for _, s in site.references(page)]
    return data


def _citation(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}  # authors are on the page; kept short
    if source.year:
        work["datePublished"] = str(source.year)
    if source.link:
        work["url"] = source.link
    if source.doi:
        work["identifier"] = f"doi:{source.doi}"
    return work

"""Publishing: project-subpath hosting, sitemap, feed, robots, metadata, fingerprints, CSP."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from crawl import crawl, fetch, serve_under_prefix
from sitekit import GOOD_BODY, ROOT, SITE_YAML, article, run_build

ORIGIN = "https://example.org"
PREFIX = "/some-repo/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SLUGS = ("stress", "circulation", "lymph", "sleep", "inflammation", "hormones", "mind-body")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    result = run_build("build", "--out", out, "--base-url", ORIGIN + PREFIX)
    assert result.returncode == 0, result.stderr
    return out


def test_every_link_asset_and_anchor_resolves_under_the_prefix(site: Path) -> None:
    with serve_under_prefix(site, PREFIX) as start:
        result = crawl(start)
    assert not result.broken, result.broken
    assert not result.outside, result.outside
    missing = [
        f"{source} -> {page}#{frag}"
        for source, page, frag in result.fragments
        if frag not in result.ids.get(page, set())
    ]
    assert not missing, missing
    crawled = {u.split(PREFIX, 1)[1] for u in result.pages}
    for slug in SLUGS:
        assert f"{slug}/" in crawled
    assert {"", "about/", "bibliography/", "glossary/", "search/"} <= crawled


@pytest.mark.parametrize("depth", ["missing", "a/b/c/missing.html", "stress/nothing/here/"])
def test_404_page_works_at_any_depth(site: Path, depth: str) -> None:
    with serve_under_prefix(site, PREFIX) as start:
        status, body, _ = fetch(start + depth)
        assert status == 404
        html = body.decode()
        assert "Page not found" in html
        refs = re.findall(r'(?:href|src)="(/[^"]*)"', html)
        assert refs and all(r.startswith(PREFIX) for r in refs), refs
        base = start.split(PREFIX)[0]
        for ref in refs:
            assert fetch(base + ref.split("#")[0])[0] == 200, ref


def test_sitemap_lists_every_page_with_review_dates(site: Path) -> None:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    assert all(loc and loc.startswith(ORIGIN + PREFIX) for loc in entries)
    for slug in SLUGS:
        loc = f"{ORIGIN}{PREFIX}{slug}/"
        assert loc in entries
        reviewed = re.search(r"^reviewed: (\S+)", (ROOT / "content/articles" / f"{slug}.md").read_text(), re.M)
        assert reviewed and entries[loc] == reviewed.group(1)
    for loc in entries:
        assert (site / loc.removeprefix(ORIGIN + PREFIX) / "index.html").is_file() or loc == ORIGIN + PREFIX
    assert f"Sitemap: {ORIGIN}{PREFIX}sitemap.xml" in (site / "robots.txt").read_text()


def test_atom_feed_has_every_article_and_its_links_resolve(site: Path) -> None:
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id") == ORIGIN + PREFIX
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(SLUGS)
    with serve_under_prefix(site, PREFIX) as start:
        for entry in entries:
            link = entry.find(f"{ATOM}link")
            assert link is not None and entry.findtext(f"{ATOM}summary")
            href = link.get("href", "")
            assert href.startswith(ORIGIN + PREFIX)
            assert fetch(start + href.removeprefix(ORIGIN + PREFIX))[0] == 200


def test_article_metadata_for_search_engines_and_apps(site: Path) -> None:
    html = (site / "stress" / "index.html").read_text()
    assert f'<link rel="canonical" href="{ORIGIN}{PREFIX}stress/">' in html
    assert '<html lang="en-GB">' in html
    for prop in ("og:title", "og:description", "og:url", "og:type", "twitter:card"):
        assert f'="{prop}"' in html, prop
    description = re.search(r'<meta name="description" content="([^"]+)"', html)
    assert description and "calmer" in description.group(1)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert data["@type"] == "MedicalWebPage" and data["headline"] == "Stress reduction"
    assert data["lastReviewed"] == "2026-11-26" and data["url"] == f"{ORIGIN}{PREFIX}stress/"
    dois = {c.get("identifier") for c in data["citation"]}
    assert "doi:10.1037/0033-2909.130.1.3" in dois  # moyer2004, cited in the article
    assert len(data["citation"]) == html.count('<li id="ref-')


def test_assets_are_fingerprinted_and_only_the_site_itself_is_allowed(site: Path) -> None:
    css = list((site / "static").glob("style.*.css"))
    assert len(css) == 1
    assert hashlib.sha256(css[0].read_bytes()).hexdigest()[:10] == css[0].name.split(".")[1]
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "Content-Security-Policy" in html and "default-src 'self'" in html, page
        for ref in re.findall(r'<(?:link rel="(?:stylesheet|icon)"|script|img)[^>]+(?:href|src)="([^"]+)"', html):
            assert ref.startswith(PREFIX), (page, ref)


def test_path_only_base_url_builds_and_says_what_it_could_not_produce(tmp_path: Path) -> None:
    result = run_build("build", "--out", tmp_path / "site", "--base-url", "/repo/")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "path only" in line]
    assert len(warnings) == 1 and "sitemap.xml" in warnings[0]
    assert not (tmp_path / "site" / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (tmp_path / "site" / "stress" / "index.html").read_text()


def test_pagefind_indexes_the_articles_and_every_page_loads_only_the_small_search_box_script(site: Path) -> None:
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    assert indexed == len(list((ROOT / "content/articles").glob("*.md"))) + 1  # and About: data-pagefind-body
    assert (site / "pagefind/pagefind.js").is_file() and not (site / "search/data").exists()
    assert "canonical" not in (site / "404.html").read_text()  # a 404 has no address of its own
    for page in [*site.rglob("index.html"), site / "404.html"]:
        html = page.read_text()
        assert f'data-bundle="{PREFIX}pagefind/"' in html and "pagefind.js" not in html, page
        assert f'<script type="module" src="{PREFIX}static/search-box.' in html, page
        assert "script-src 'self' 'wasm-unsafe-eval';" in html, page  # Pagefind runs as WebAssembly


def test_hostile_titles_leave_feed_sitemap_and_json_ld_well_formed(make_site: Callable[..., Path]) -> None:
    """What an editor may type in a title or the site's name reaches every output escaped."""
    hostile = """<!--<script> & </script> "q" 'a' ]]>"""
    root = make_site(
        {
            "site.yaml": SITE_YAML.replace('title: "Test site"', f"title: {json.dumps(hostile)}"),
            "content/articles/alpha.md": article(
                "alpha", 1, GOOD_BODY["alpha"], related="[beta]", title=json.dumps(hostile), summary=json.dumps(hostile)
            ),
        }
    )
    out = root / "_site"
    result = run_build("--project", root, "build", "--out", out, "--base-url", "https://example.org/x/")
    assert result.returncode == 0, result.stderr
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == hostile
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")].count(hostile) == 1
    ET.parse(out / "sitemap.xml")
    page = (out / "alpha" / "index.html").read_text(encoding="utf-8")
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&") & set(block), block
    assert json.loads(block)["headline"] == hostile

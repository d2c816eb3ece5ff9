"""Page-weight budget per article (HTML < 48 KB, CSS < 12 KB uncompressed), readable without JavaScript,
and no request to any host but the site's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import REPORT, Site, Watched, goto

pytestmark = pytest.mark.browser

HTML_BUDGET = 48 * 1024  # 40 KB until each article's evidence table (#20) added its studies' findings and caveats
CSS_BUDGET = 12 * 1024
JS_BUDGET = 1024  # the search box's loader; its UI and Pagefind load only when the box gets focus


def test_articles_fit_the_weight_budget(site: Site, open_page: Callable[..., Watched]) -> None:
    sizes: dict[str, dict[str, int]] = {}
    responses: list[Any] = []
    rows = [
        f"{'article':28} {'HTML':>9} {'CSS':>9} {'JS':>9}  (bytes, uncompressed; budget HTML {HTML_BUDGET}, CSS {CSS_BUDGET})"
    ]
    failures = []
    for page in site.articles:
        responses.clear()
        watched = open_page()  # a fresh context: an empty cache, so every file is fetched (no 304)
        watched.page.on("response", lambda response: responses.append(response))
        goto(watched, site.url(page))
        watched.page.wait_for_load_state("networkidle")
        totals = {"document": 0, "stylesheet": 0, "script": 0}
        for response in responses:
            kind = response.request.resource_type
            if kind in totals:
                totals[kind] += len(response.body())
        sizes[page.url_path] = totals
        rows.append(f"{page.url_path:28} {totals['document']:9} {totals['stylesheet']:9} {totals['script']:9}")
        if totals["document"] >= HTML_BUDGET:
            failures.append(f"{page}: HTML {totals['document']} bytes >= {HTML_BUDGET}")
        if totals["stylesheet"] >= CSS_BUDGET:
            failures.append(f"{page}: CSS {totals['stylesheet']} bytes >= {CSS_BUDGET}")
        if totals["script"] >= JS_BUDGET:
            failures.append(f"{page}: JavaScript {totals['script']} bytes >= {JS_BUDGET} before any search")
        if totals["stylesheet"] == 0:
            failures.append(f"{page}: no stylesheet loaded")
    REPORT["Page weight per article"] = rows
    assert site.articles, 'no article pages found (convention: <meta property="og:type" content="article">)'
    assert not failures, "page-weight budget:\n" + "\n".join(failures) + "\n" + "\n".join(rows)


def test_articles_are_readable_without_javascript(site: Site, open_page: Callable[..., Watched]) -> None:
    with_js = open_page()
    without_js = open_page(javascript_enabled=False)
    failures = []
    for page in site.articles:
        goto(with_js, site.url(page))
        goto(without_js, site.url(page))
        full = with_js.page.locator("main").inner_text()
        bare = without_js.page.locator("main").inner_text()
        if not without_js.page.locator("main h1").first.is_visible():
            failures.append(f"{page}: the heading is not visible without JavaScript")
        if len(bare) < 0.95 * len(full) or len(bare) < 500:
            failures.append(f"{page}: without JavaScript main shows {len(bare)} characters, with it {len(full)}")
    assert not failures, "\n".join(failures)


def test_no_request_leaves_the_site(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page()
    outside: list[str] = []
    for page in site.pages:
        watched.requests.clear()
        goto(watched, site.url(page))
        watched.page.wait_for_load_state("networkidle")
        for url in watched.requests:
            parts = urlsplit(url)
            if parts.scheme in {"data", "blob", "about"}:
                continue
            if parts.hostname != "127.0.0.1":
                outside.append(f"{page}: {url}")
    assert not outside, "requests to other hosts:\n" + "\n".join(outside)

"""Pagefind search in a real Chromium, on the real site built for https://example.org/some-repo/ and
served under /some-repo/ by a real HTTP server, with the pages' own Content-Security-Policy enforced."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from crawl import serve_under_prefix
from sitekit import run_build

from .conftest import AXE_JS, REPORT, require_file
from .test_accessibility import RUN_AXE, TAGS

pytestmark = pytest.mark.browser
PREFIX = "/some-repo/"
FIRST_QUERY_BUDGET = 150_000  # compressed bytes a reader's first query may download ("150 KB", read strictly)
MASSAGE_ARTICLES = {"stress", "circulation", "lymph", "sleep", "inflammation", "hormones", "mind-body"}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("search") / "site"
    result = run_build("build", "--out", out, "--base-url", f"https://example.org{PREFIX}")
    assert result.returncode == 0, result.stderr
    with serve_under_prefix(out, PREFIX) as start:
        yield out, start


class Tab:
    """A page with the CSP enforced, and what it logged: console errors and each response."""

    def __init__(self, browser: Any, javascript: bool = True, bypass_csp: bool = False) -> None:
        self.context = browser.new_context(java_script_enabled=javascript, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.responses: list[Any] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on("response", lambda response: self.responses.append(response))

    def type_query(self, text: str) -> None:
        """Focus the header box and type, as a reader does: no Enter."""
        self.page.locator("#site-search").click()
        self.page.keyboard.type(text, delay=30)
        self.page.locator(".search-status", has_text=text).wait_for(timeout=15_000)

    def result_links(self) -> list[str]:
        return [a.get_attribute("href") or "" for a in self.page.locator(".search-results li a.search-title").all()]


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    opened = Tab(browser)
    yield opened
    opened.context.close()


def slug(href: str) -> str:
    return href.removeprefix(PREFIX).strip("/")


def test_typing_shows_results_with_marked_excerpts_and_links_under_the_subpath(
    tab: Tab, published: tuple[Path, str]
) -> None:
    tab.page.goto(f"{published[1]}stress/")
    loaded_before_focus = [r.url for r in tab.responses]
    assert not any("pagefind" in u or "search-ui" in u for u in loaded_before_focus), loaded_before_focus
    tab.responses.clear()
    tab.type_query("massages")
    links = tab.result_links()
    assert all(h.startswith(PREFIX) for h in links), links
    assert MASSAGE_ARTICLES & {slug(h) for h in links} == MASSAGE_ARTICLES, links  # stemmed: "massages" finds "massage"
    excerpts = tab.page.locator(".search-results .search-excerpt")
    assert excerpts.first.locator("mark").count() >= 1, excerpts.first.inner_html()
    assert tab.page.locator(".search-results .badge").count() >= len(MASSAGE_ARTICLES)
    assert not tab.errors, tab.errors
    report_first_query(tab.responses)


def report_first_query(responses: list[Any]) -> None:
    """Print and check what the first query downloaded, gzip-compressed as a host serves it."""
    rows, total = [], 0
    for response in responses:
        path = urlsplit(response.url).path
        if response.status != 200 or not path.startswith((f"{PREFIX}pagefind/", f"{PREFIX}static/search-ui.")):
            continue  # the page's own late requests (its favicon) are not the query's
        size = len(gzip.compress(response.body(), 9))
        total += size
        rows.append(f"{size:8}  {path}")
    rows.append(f"{total:8}  in all (budget {FIRST_QUERY_BUDGET}) for the first query, 'massages'")
    REPORT["Search: the first query's downloads (bytes, gzip)"] = rows
    print("\n".join(rows))
    assert total < FIRST_QUERY_BUDGET, "\n".join(rows)


def test_the_evidence_filter_narrows_the_results(tab: Tab, published: tuple[Path, str]) -> None:
    tab.page.goto(f"{published[1]}")
    tab.type_query("massage")
    everything = tab.result_links()
    menu = tab.page.locator("#search-evidence")
    labels = [o for o in menu.locator("option").all_inner_texts() if o != "Any rating"]
    assert labels, "no evidence ratings in the menu"
    label = min(labels, key=lambda rating: len(tab.page.locator(f".badge:text-is('{rating}')").all()))
    menu.select_option(label)
    tab.page.locator(".search-status", has_text=f"rated “{label}”").wait_for(timeout=15_000)
    narrowed = tab.result_links()
    badges = tab.page.locator(".search-results .badge").all_inner_texts()
    assert narrowed and len(narrowed) < len(everything), (narrowed, everything)
    assert set(badges) == {label}, badges
    assert not tab.errors, tab.errors


def test_escape_closes_the_results_and_keeps_the_focus_in_the_box(tab: Tab, published: tuple[Path, str]) -> None:
    tab.page.goto(f"{published[1]}about/")
    tab.type_query("sleep")
    status = tab.page.locator(".search-status")
    assert status.get_attribute("role") == "status" and re.search(r"\d+ pages? match", status.inner_text())
    tab.page.keyboard.press("Tab")  # the first control after the box: the keyboard reaches the results
    tab.page.keyboard.press("Escape")
    assert tab.page.locator("#search-panel").is_hidden()
    assert tab.page.evaluate("document.activeElement.id") == "site-search"
    assert not tab.errors, tab.errors


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_open_results_pass_axe(browser: Any, published: tuple[Path, str], color_scheme: str) -> None:
    axe = require_file(AXE_JS, "axe-core (npm axe-core)")
    tab = Tab(browser, bypass_csp=True)  # axe is injected as an inline script
    try:
        tab.page.emulate_media(color_scheme=color_scheme)
        tab.page.goto(f"{published[1]}sleep/")
        tab.type_query("cortisol")
        tab.page.add_script_tag(path=str(axe))
        violations = tab.page.evaluate(RUN_AXE, TAGS)
        assert not violations, violations
    finally:
        tab.context.close()


def test_the_search_page_shows_the_results_for_its_query(tab: Tab, published: tuple[Path, str]) -> None:
    tab.page.goto(f"{published[1]}search/?q=lymphoedema")
    tab.page.locator(".search-status", has_text="lymphoedema").wait_for(timeout=15_000)
    assert f"{PREFIX}lymph/" in tab.result_links()
    assert tab.page.locator("#site-search").input_value() == "lymphoedema"
    assert not tab.errors, tab.errors


def test_without_javascript_the_box_submits_to_the_search_page_which_lists_every_article(
    browser: Any, published: tuple[Path, str]
) -> None:
    tab = Tab(browser, javascript=False)
    try:
        tab.page.goto(f"{published[1]}sleep/")
        tab.page.locator("#site-search").fill("sleep")
        tab.page.keyboard.press("Enter")
        tab.page.wait_for_url(re.compile(re.escape(f"{PREFIX}search/?q=sleep")))
        listed = {slug(a.get_attribute("href") or "") for a in tab.page.locator("main ol li a").all()}
        assert listed == MASSAGE_ARTICLES, listed
        assert not tab.errors, tab.errors
    finally:
        tab.context.close()

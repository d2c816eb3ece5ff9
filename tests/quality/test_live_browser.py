"""In a real Chromium: the dev server reloads an open page by itself after an edit, and
site search finds the right articles on a site served under a project prefix."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from crawl import serve_under_prefix
from sitekit import GOOD_BODY, ROOT, article, run_build
from test_serve import Server, free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The quality suite's one Chromium (two sync Playwright sessions cannot run in one process)."""
    return browser


@pytest.fixture
def dev_server(make_site: Callable[..., Path], tmp_path: Path) -> Iterator[Server]:
    """`build.py serve` on a small project, as an editor starts it."""
    root = make_site()
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(root), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        server = Server(root, port, process, log)
        server.wait_for("/beta/", "<h1>Beta</h1>")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


def open_live(chromium: Any, server: Server, path: str) -> Any:
    """A page of the preview, once livereload.js has connected to the server."""
    page = chromium.new_page()
    page.goto(f"http://127.0.0.1:{server.port}{path}")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=10_000)
    time.sleep(0.5)  # let livereload.js finish its handshake
    return page


def test_open_page_reloads_itself_after_an_edit(chromium: Any, dev_server: Server) -> None:
    page = open_live(chromium, dev_server, "/beta/")
    body = GOOD_BODY["beta"] + "\nWritten while the page was open.\n"
    (dev_server.root / "content/articles/beta.md").write_text(article("beta", 2, body))
    page.get_by_text("Written while the page was open.").wait_for(timeout=10_000)  # no goto, no reload by us
    page.close()


def test_open_page_shows_the_overlay_after_a_broken_edit_and_recovers(chromium: Any, dev_server: Server) -> None:
    page = open_live(chromium, dev_server, "/alpha/")
    beta = dev_server.root / "content/articles/beta.md"
    beta.write_text(article("beta", 2, GOOD_BODY["beta"].replace("alpha.md", "gone.md")))
    overlay = page.locator("#sitegen-overlay")
    overlay.wait_for(timeout=10_000)
    assert "content/articles/beta.md:17" in overlay.inner_text()
    assert page.locator("h1").first.inner_text() == "Alpha"  # the last good page, under the overlay
    beta.write_text(article("beta", 2, GOOD_BODY["beta"]))
    overlay.wait_for(state="detached", timeout=10_000)
    page.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "site"
    result = run_build("build", "--out", out, "--base-url", "https://example.org/some-repo/")
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize(
    ("query", "expected"), [("cortisol", "/hormones/"), ("lymphoedema", "/lymph/"), ("sleep", "/sleep/")]
)
def test_search_finds_the_right_articles(chromium: Any, published: Path, query: str, expected: str) -> None:
    with serve_under_prefix(published, "/some-repo/") as start:
        page = chromium.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{start}search/?q={query}")
        results = page.locator("#search-results li a")
        results.first.wait_for(timeout=15_000)
        hrefs = [results.nth(i).get_attribute("href") or "" for i in range(min(results.count(), 5))]
        assert any(h.endswith("/some-repo" + expected) for h in hrefs), hrefs
        assert page.locator("#search-results li p").first.inner_text().strip()  # an excerpt
        assert not errors, errors
        page.close()


def test_search_page_without_javascript_lists_every_article(chromium: Any, published: Path) -> None:
    with serve_under_prefix(published, "/some-repo/") as start:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{start}search/?q=sleep")
        assert page.locator("main ol li a").count() >= 7
        assert page.get_by_text("Every article is listed below").is_visible()
        context.close()

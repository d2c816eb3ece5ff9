"""In a real Chromium: the dev server reloads an open page by itself after an edit.
(Search in the browser: test_search_browser.py.)"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sitekit import GOOD_BODY, ROOT, article
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

"""In a real Chromium: the dev server reloads an open page by itself after an edit.
(Search in the browser: test_search_browser.py.)"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
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


def test_open_page_reloads_itself_after_an_edit(chromium: Any, make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(root), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        server = Server(root, port, process, log)
        server.wait_for("/beta/", "<h1>Beta</h1>")
        page = chromium.new_page()
        page.goto(f"http://127.0.0.1:{port}/beta/")
        page.wait_for_function("() => window.LiveReload !== undefined", timeout=10_000)
        time.sleep(0.5)  # let livereload.js finish its handshake
        body = GOOD_BODY["beta"] + "\nWritten while the page was open.\n"
        (root / "content/articles/beta.md").write_text(article("beta", 2, body))
        page.get_by_text("Written while the page was open.").wait_for(timeout=10_000)  # no goto, no reload by us
        page.close()
    finally:
        process.terminate()
        process.wait(timeout=10)

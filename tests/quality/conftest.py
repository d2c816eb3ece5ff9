"""Judge the real built site with outside tools: Nu HTML Checker, axe-core, LinkChecker, Lighthouse, Chromium.

The site is built once per session with ``python build.py build --out DIR`` and served on 127.0.0.1 by a
ThreadingHTTPServer in a thread. A missing tool fails the test with the command that installs it
(``make tools``); nothing here is ever skipped. ``make test-fast`` leaves this folder out (marker ``browser``).

Markup conventions these tests rely on (the templates follow them):

- landmarks: one ``<header>``, ``<nav>`` elements, one ``<main id="main">`` and one ``<footer>`` per page;
  a skip link ``<a class="skip-link" href="#main">`` as the first focusable element;
- an article page has ``<meta property="og:type" content="article">``; other pages do not;
- the home page's ``<main>`` links to every article; the first such link is the first article;
- previous/next: ``<a rel="prev">`` / ``<a rel="next">`` inside ``<nav aria-label="Previous and next">``;
- table of contents: ``<nav class="toc" aria-label="On this page">`` whose links are ``href="#id"`` of headings
  on the same page;
- references: ``<ol class="references">``; each outside source is an ``<a href="http...">`` whose URL is
  visible in print (its text, or ``a::after { content: attr(href) }`` under ``@media print``);
- search: ``<form role="search">`` with an ``<input type="search">`` (the one in the header is visible and
  focusable on every page; a form with ``hidden`` is ignored);
- print: every ``<nav>``, the site header and the search form are ``display: none``;
- every link and the search box shows a focus ring when reached with Tab (an outline that is not ``none``,
  or a box-shadow);
- stylesheets are ``<link rel="stylesheet" href="...">`` to files inside the site; no request leaves 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL = "run `make tools` (bash tools/install-tools.sh) to install it"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Lines the tests want printed after the run (page-weight table, Lighthouse scores).
REPORT: dict[str, list[str]] = {}


def missing_tool(what: str, install: str = INSTALL) -> None:
    """Fail (never skip) because an outside tool is not installed."""
    pytest.fail(f"{what} is missing: {install}", pytrace=False)


def require_executable(name: str) -> str:
    """Path of a command on PATH or beside this Python, or fail with the install command."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        install = INSTALL
        if name == "linkchecker":
            install = f"`{Path(sys.executable).parent / 'pip'} install -e '.[test]'` (make does it)"
        missing_tool(f"`{name}`", install)
    assert found is not None
    return found


def require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        missing_tool(f"{what} ({path.relative_to(REPO) if path.is_relative_to(REPO) else path})")
    return path


def chromium_path() -> str:
    """/usr/bin/chromium when present, else Playwright's own download, else fail."""
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the Python package `playwright`", f"`{Path(sys.executable).parent / 'pip'} install -e '.[test]'`")
    with sync_playwright() as p:
        path = p.chromium.executable_path
    if not Path(path).exists():
        missing_tool("Chromium (/usr/bin/chromium or Playwright's download)")
    return path


# ---- the built site and its server ---------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url_path: str  # "/", "/sleep/", "/404.html"
    file: Path
    is_article: bool

    def __str__(self) -> str:
        return self.url_path


@dataclass(frozen=True)
class Site:
    root: Path
    base_url: str  # "http://127.0.0.1:PORT" without a trailing slash
    pages: tuple[Page, ...]

    def url(self, page: Page | str) -> str:
        return self.base_url + (page.url_path if isinstance(page, Page) else page)

    @property
    def articles(self) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if p.is_article)

    @property
    def home(self) -> Page:
        return next(p for p in self.pages if p.url_path == "/")

    def page_for(self, url: str) -> Page | None:
        path = url.removeprefix(self.base_url).split("#")[0].split("?")[0]
        return next((p for p in self.pages if p.url_path == path), None)


ARTICLE_META = re.compile(r"""<meta\s+property=["']og:type["']\s+content=["']article["']""", re.I)


def discover_pages(root: Path) -> tuple[Page, ...]:
    """Every index.html and 404.html in the built output, as the URL paths a browser uses."""
    pages = []
    for file in sorted(root.rglob("*.html")):
        rel = file.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if file.name == "index.html":
            url_path = "/" + "".join(f"{part}/" for part in rel.parts[:-1])
        elif file.name == "404.html":
            url_path = "/" + rel.as_posix()
        else:
            continue
        pages.append(Page(url_path, file, bool(ARTICLE_META.search(file.read_text(encoding="utf-8")))))
    return tuple(pages)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files like a real host: 404.html with status 404 for a missing path, quiet logs."""

    protocol_version = "HTTP/1.1"
    extensions_map = {  # noqa: RUF012 - the base class declares it a plain attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    def end_headers(self) -> None:
        # LinkChecker lifts its 10-requests-a-second limit for a server that sends this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients (LinkChecker, Chromium) close keep-alive connections abruptly


def serve(root: Path) -> tuple[QuietServer, str]:
    server = QuietServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The real site, built once with build.py and served on 127.0.0.1."""
    out = tmp_path_factory.mktemp("quality") / "site"
    result = subprocess.run(
        [sys.executable, "build.py", "build", "--out", str(out)], cwd=REPO, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(
            f"`python build.py build --out {out}` failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    pages = discover_pages(out)
    assert pages, f"no index.html or 404.html in {out}"
    server, base_url = serve(out)
    yield Site(out, base_url, pages)
    server.shutdown()
    server.server_close()


# ---- Chromium through Playwright -----------------------------------------------------------------


@pytest.fixture(scope="package")  # ended with tests/quality/: its event loop would stop later asyncio.run()
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the Python package `playwright`", f"`{Path(sys.executable).parent / 'pip'} install -e '.[test]'`")
    executable = chromium_path()
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as error:
            pytest.fail(f"Chromium at {executable} did not start ({error}); {INSTALL}", pytrace=False)
        yield browser
        browser.close()


@dataclass
class Watched:
    """A Playwright page plus what it logged: console errors, uncaught exceptions, requests."""

    page: Any
    errors: list[str]
    requests: list[str]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Watched]]:
    """Factory: a fresh context and page, e.g. open_page(viewport=PHONE, color_scheme="dark")."""
    contexts: list[Any] = []

    def make(
        viewport: dict[str, int] = DESKTOP, color_scheme: str = "light", javascript_enabled: bool = True
    ) -> Watched:
        context = browser.new_context(
            viewport=viewport, color_scheme=color_scheme, java_script_enabled=javascript_enabled, bypass_csp=True
        )
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page, [], [])
        page.on(
            "console",
            lambda msg: (
                watched.errors.append(f"console.{msg.type}: {msg.text} ({msg.location.get('url', '')})")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: watched.errors.append(f"uncaught exception: {exc}"))
        page.on("request", lambda request: watched.requests.append(request.url))
        page.on(
            "requestfailed", lambda request: watched.errors.append(f"request failed: {request.url} ({request.failure})")
        )
        return watched

    yield make
    for context in contexts:
        context.close()


def goto(watched: Watched, url: str) -> None:
    """Load url and wait for the load event; a status other than 200 fails."""
    response = watched.page.goto(url, wait_until="load")
    status = response.status if response else None
    assert status == 200, f"{url}: HTTP {status}"


# ---- Lighthouse, run once for all its tests --------------------------------------------------------


@pytest.fixture(scope="session")
def lighthouse_reports(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Lighthouse (mobile, the default form factor) on the home page and the first two articles."""
    require_executable("node")
    lighthouse = require_file(LIGHTHOUSE, "Lighthouse (npm lighthouse@12.2.3)")
    chrome = chromium_path()
    out = tmp_path_factory.mktemp("lighthouse")
    targets = [site.home, *site.articles[:2]]
    reports = {}

    def run(page: Page, path: Path) -> dict[str, Any]:
        command = [
            str(lighthouse),
            site.url(page),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--output=json",
            f"--output-path={path}",
            "--quiet",
        ]
        result = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True, timeout=180
        )
        if result.returncode != 0 or not path.exists():
            pytest.fail(f"lighthouse failed on {page} ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return report

    def performance(report: dict[str, Any]) -> float:
        return float(report["categories"]["performance"]["score"] or 0)

    for number, page in enumerate(targets):
        # Performance varies from run to run on a shared machine: Lighthouse's own advice is
        # the median of several runs. One run is enough when it already meets the target.
        runs = [run(page, out / f"report-{number}-0.json")]
        if performance(runs[0]) < 0.95:
            runs += [run(page, out / f"report-{number}-{extra}.json") for extra in (1, 2)]
        reports[page.url_path] = sorted(runs, key=performance)[len(runs) // 2]
    return reports


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for title, lines in REPORT.items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)

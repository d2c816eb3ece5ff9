"""`build.py serve`: build, serve the last good build on 127.0.0.1, rebuild after every burst
of saves (edits.py), and tell the browser to reload once the new build is in place.

The `livereload` package supplies the browser side (livereload.js and its WebSocket
protocol); its own Server is not used, because it rebuilds once per changed file, ignores a
second change within 3 seconds, follows symlinks out of the served folder and accepts
WebSocket connections from any origin. What the server keeps between rebuilds is one
Preview. A failed rebuild keeps the last good site, and every HTML page then shows the
problems in an overlay.

Only requests whose Host names this server are answered (a page on another site could
otherwise read drafts through DNS rebinding), the reload socket only accepts pages this
server served, and every path gets 200, a same-host redirect, 403 or 404 (guard.py).
"""

from __future__ import annotations

import dataclasses
import errno
import html
import logging
import mimetypes
import threading
import time
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, ioloop, web

from .config import Config, load_config
from .edits import Edits
from .errors import ConfigError, Problem, SiteError
from .guard import WILDCARDS, Listening, output_path
from .pipeline import Built, Options, build
from .search import search_files
from .store import PATH, Store

log = logging.getLogger("sitegen")
OVERLAY_CSS = Path(__file__).with_name("overlay.css")
SEARCH_QUIET_S = 3.0  # the search index is made once no rebuild has come for this long


@dataclass
class Preview:
    """What the dev server keeps between rebuilds: the config, the store, the last good
    build and the problems of the latest one."""

    root: Path
    drafts: bool
    config: Config
    store: Store = field(default_factory=Store)
    last: Built | None = None
    problems: tuple[Problem, ...] = ()
    search: bool = True  # index each good build with Pagefind, in a thread of its own
    swapping: threading.Lock = field(default_factory=threading.Lock)  # guards ``last``
    rebuilt_at: float = 0.0  # time.monotonic() of the last good build
    indexer: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="search"))

    def rebuild(self) -> Built:
        """The one call into the pipeline: the site in memory, reusing the last build."""
        options = Options(drafts=self.drafts, search=False)
        return build(self.config, options, self.store, self.last.as_last() if self.last else None)

    def refresh(self) -> None:
        """Read site.yaml again and rebuild; on failure keep the last good build and its output."""
        started = time.perf_counter()
        try:
            self.config = load_config(self.root, base_url="/")
            built = self.rebuild()
        except SiteError as exc:
            self.problems = tuple(exc.problems)
            log.warning("build failed, still serving the last good site:")
        except Exception as exc:  # a bug in the engine: the preview stays up and shows it
            self.problems = (Problem("(internal)", 0, f"{type(exc).__name__}: {exc}"),)
            log.warning("build failed with an internal error, still serving the last good site:")
            log.debug("the internal error:", exc_info=True)
        else:
            with self.swapping:
                self.last, self.problems, self.rebuilt_at = built, built.problems, time.monotonic()
            elapsed = (time.perf_counter() - started) * 1000
            log.info("rebuilt in %.0f ms (%d pages)", elapsed, len(built.site.pages))
            if self.search:
                self.indexer.submit(self.index_search, built)
        for problem in self.problems:
            log.warning("  %s", problem)

    def index_search(self, built: Built) -> None:
        """Add Pagefind's bundle to ``built`` once no rebuild has come for SEARCH_QUIET_S, if
        it is still the last build: the browser reloads without waiting for it, search works in
        the preview a moment later, and Pagefind (seconds at thousands of pages) never competes
        for the processor with the rebuilds of a burst of edits."""
        while (wait := self.rebuilt_at + SEARCH_QUIET_S - time.monotonic()) > 0:
            time.sleep(wait)
        if self.last is not built:
            return  # a later build came meanwhile: it is indexed next
        started = time.perf_counter()
        try:
            bundle = search_files(built.files)
        except SiteError as exc:  # e.g. the Pagefind program is missing: the preview works without search
            log.warning("search index not made: %s", "; ".join(str(p) for p in exc.problems))
            return
        with self.swapping:
            if self.last is built:
                self.last = dataclasses.replace(built, files=built.files | bundle)
        log.info("search index updated in %.0f ms (%d files)", (time.perf_counter() - started) * 1000, len(bundle))

    def lookup(self, path: str) -> bytes | None:
        """The bytes of the last good build's file at ``path`` ("a/index.html"), or None. The
        build lives in memory only, as `hugo server` keeps it: nothing is written to disk."""
        return self.last.files.get(path) if self.last else None


def refuse_foreign_host(handler: web.RequestHandler) -> None:
    """Answer 403, before anything else, a request whose Host does not name this server."""
    listening: Listening = handler.settings["listening"]
    if not listening.accepts(handler.request.host):
        handler.send_error(403)


def preview_page(page: bytes, problems: tuple[Problem, ...], port: int) -> bytes:
    """The page with the reload script and, after a failed build, the overlay, before </body>."""
    snippet = overlay_html(problems) if any(p.is_error for p in problems) else ""
    snippet += f'<script src="/livereload.js?port={port}"></script>'
    index = page.rfind(b"</body>")
    index = index if index >= 0 else len(page)
    return page[:index] + snippet.encode() + page[index:]


def overlay_html(problems: tuple[Problem, ...]) -> str:
    """The error overlay: every problem as file:line and message."""
    items = "".join(
        f'<li><span class="where">{html.escape(p.path)}:{p.line}</span> {html.escape(p.message)}</li>' for p in problems
    )
    return (
        '<link rel="stylesheet" href="/__sitegen/overlay.css">'
        '<div id="sitegen-overlay" role="alert"><h2>The last edit broke the build</h2>'
        f"<ol>{items}</ol><p>This is the last good version of the site. Fix the problem and save: "
        "the page reloads by itself.</p></div>"
    )


class SiteHandler(web.RequestHandler):
    """The last good build's files; HTML gets the reload script and, after a failed build, the overlay."""

    def initialize(self, preview: Preview, port: int) -> None:
        self.preview = preview
        self.port = port

    def prepare(self) -> None:
        refuse_foreign_host(self)

    def head(self) -> None:
        self.get()  # tornado sends the headers of a HEAD response without the body

    def get(self) -> None:
        path = output_path(self.request.path)
        if path is None:
            return self.send(403, b"<!doctype html><title>403</title><h1>403 Forbidden</h1>", "403.html")
        found = path if path and not path.endswith("/") else path + "index.html"
        data = self.preview.lookup(found)
        if data is not None:
            return self.send(200, data, found)
        if path and not path.endswith("/") and self.preview.lookup(path + "/index.html") is not None:
            return self.redirect("/" + quote(path) + "/")  # a path alone: never to another host
        missing = self.preview.lookup("404.html") or b"<!doctype html><title>404</title><h1>404 Not Found</h1>"
        self.send(404, missing, "404.html")

    def send(self, status: int, data: bytes, name: str) -> None:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            data, kind = preview_page(data, self.preview.problems, self.port), "text/html; charset=utf-8"
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data)


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's WebSocket, for pages this server served only."""

    def prepare(self) -> None:
        refuse_foreign_host(self)

    async def get(self, *args: Any, **kwargs: Any) -> None:
        if self.request.headers.get("Upgrade", "").lower() != "websocket":
            self.send_error(404)  # a plain GET: no page here (tornado would answer 400)
        else:
            await super().get(*args, **kwargs)

    def head(self) -> None:
        self.send_error(404)

    def check_origin(self, origin: str) -> bool:
        """Called (since tornado 6.6) only when the Origin is not this server's: refuse."""
        return bool(origin.lower() == f"http://{self.request.host.lower()}")

    @classmethod
    def reload_all(cls) -> None:
        message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
        for waiter in list(cls.waiters):
            try:
                waiter.write_message(message)
            except Exception:
                cls.waiters.discard(waiter)


class ReloadScript(LiveReloadJSHandler):  # type: ignore[misc]
    def prepare(self) -> None:
        refuse_foreign_host(self)

    def head(self) -> None:
        self.get()


class OverlayStyle(web.RequestHandler):
    def prepare(self) -> None:
        refuse_foreign_host(self)

    def head(self) -> None:
        self.get()

    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.finish(OVERLAY_CSS.read_bytes())


def make_app(preview: Preview, listening: Listening) -> web.Application:
    return web.Application(
        [
            (r"/livereload", ReloadSocket),
            (r"/livereload\.js", ReloadScript),
            (r"/__sitegen/overlay\.css", OverlayStyle),
            (r"/.*", SiteHandler, {"preview": preview, "port": listening.port}),  # no group: tornado would decode it
        ],
        listening=listening,
    )


def listen(app: web.Application, host: str, port: int) -> httpserver.HTTPServer:
    """Start listening, or a one-line usage error."""
    try:
        return app.listen(port, address=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} is already in use; choose another with --port"
            raise ConfigError([Problem("--port", 0, message)]) from None
        raise ConfigError([Problem("--host", 0, f"cannot listen on {host}:{port}: {exc.strerror}")]) from None


def rebuild_after_edits(preview: Preview, edits: Edits, loop: ioloop.IOLoop) -> None:
    """The rebuild thread: one rebuild per burst of saves, then a reload of every open page."""
    while edits.next_burst() is not None:
        preview.refresh()
        loop.add_callback(ReloadSocket.reload_all)


def serve(root: Path, *, host: str, port: int, drafts: bool, open_browser: bool) -> int:
    """Run the dev server until Ctrl-C. Returns the exit code."""
    config = load_config(root, base_url="/")  # a broken site.yaml is a usage error before anything starts
    preview = Preview(root, drafts, config, Store(root / PATH))
    server = listen(make_app(preview, Listening.on(host, port)), host, port)
    if host not in ("localhost", "127.0.0.1", "::1"):
        log.warning("warning: listening on %s: anyone who can reach this machine can read the preview", host)
    edits = Edits(root)
    edits.start()  # before the first build, so that no save is missed
    preview.refresh()
    shown_host = "127.0.0.1" if host in WILDCARDS else f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    shown = "shown" if drafts else "hidden"
    log.warning("Serving %s at %s (drafts %s). Press Ctrl-C to stop.", root.resolve().name, url, shown)
    loop = ioloop.IOLoop.current()
    threading.Thread(target=rebuild_after_edits, args=(preview, edits, loop), daemon=True).start()
    if open_browser:
        webbrowser.open(url)
    try:
        loop.start()
    except KeyboardInterrupt:
        log.warning("stopped")
    finally:
        server.stop()
        edits.stop()
    return 0

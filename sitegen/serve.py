"""`build.py serve`: build, serve the output on 127.0.0.1, rebuild on every edit, reload the browser.

The `livereload` package supplies the browser side (livereload.js and its WebSocket
protocol). Watching, debouncing and serving are ours, because its own Server rebuilds once
per changed file, ignores a second change within 3 seconds (DEFAULT_RELOAD_TIME), follows
symlinks out of the served folder and accepts WebSocket connections from any origin:

- on Linux, inotify (watch.py) reports a save at once; without it, a poll loop snapshots
  the sources every 50 ms (and, with it, every second as a safety net). A burst of saves is
  one rebuild once the files have been quiet for 30 ms (at most 1 s after the first save),
  and a save during a rebuild causes one more;
- the browser is told to reload only after the new output has been swapped in;
- a failed rebuild keeps the last good site and every HTML page shows an error overlay;
- files are served only from inside the output folder, after resolving symlinks.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import html
import logging
import mimetypes
import os
import time
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web

from . import watch
from .cache import BuildCache
from .config import load_config
from .content import FileState, file_state, ignored_name, walk_files
from .errors import ConfigError, Problem, SiteError
from .pipeline import Loaded, Options, build_to
from .search import write_bundle
from .watch import Inotify
from .writer import MARKER

log = logging.getLogger("sitegen")
POLL_MS = 50  # how often the sources are checked for changes without inotify
SAFETY_POLL_MS = 1000  # and with it, in case an event was missed
QUIET_MS = 30  # after a change, check again this soon; no further change then means the burst is over
MAX_WAIT_S = 1.0  # rebuild even if saves keep coming for this long
IDLE_COLLECT_S = 10.0  # collect garbage once no rebuild has happened for this long
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
OVERLAY_CSS = Path(__file__).with_name("overlay.css")


def start_watcher(root: Path) -> Inotify | None:
    """inotify on content/, templates/ and static/ (recursively) and the project folder itself
    (for site.yaml; not recursively, so the output folder inside it is never watched).
    SITEGEN_WATCH=poll in the environment forces polling (the tests run both ways)."""
    if os.environ.get("SITEGEN_WATCH") == "poll" or not watch.available():
        return None
    try:
        watcher = Inotify([root / name for name in ("content", "templates", "static") if (root / name).is_dir()])
        watcher.add(root)
    except OSError as exc:
        log.info("inotify unavailable (%s): polling every %d ms", exc, POLL_MS)
        return None
    return watcher


def updated_snapshot(root: Path, seen: dict[str, FileState], touched: set[Path]) -> dict[str, FileState]:
    """``seen`` (a snapshot()) with the state of each of ``touched`` (files the watcher named)
    taken again: what snapshot() would return now, if no other file changed."""
    now = dict(seen)
    for path in touched:
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            continue
        folder, _, rest = relative.partition("/")
        watched = relative == "site.yaml" or (folder in ("content", "templates", "static") and rest)
        if not watched or any(ignored_name(part) for part in rest.split("/") if part):
            continue
        try:
            stat = path.stat()
        except OSError:
            now.pop(relative, None)
            continue
        if S_ISREG(stat.st_mode):
            now[relative] = file_state(stat)
        else:
            now.pop(relative, None)
    return now


def snapshot(root: Path) -> dict[str, FileState]:
    """The state of every watched source file: content/, templates/, static/, site.yaml."""
    found: dict[str, FileState] = {}
    for folder in ("content", "templates", "static"):
        stats: dict[str, FileState] = {}
        walk_files(root / folder, stats=stats)
        found.update((f"{folder}/{path}", stat) for path, stat in stats.items())
    with contextlib.suppress(OSError):
        found["site.yaml"] = file_state((root / "site.yaml").stat())
    return found


@dataclass
class Preview:
    """The dev server's state: what was last built, and what is wrong now."""

    root: Path
    out: Path
    drafts: bool
    cache: BuildCache = field(default_factory=BuildCache)
    problems: list[Problem] = field(default_factory=list)
    builds: int = 0
    seen: dict[str, FileState] = field(default_factory=dict)
    first_change: float = 0.0
    pending: bool = False
    loaded: Loaded | None = None  # of the last good build, reused by the next (see pipeline.load_site)
    indexer: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="search"))
    indexed: int = 0  # the number of the last good build, which the search indexer is to index

    def rebuild(self, seen: dict[str, FileState] | None = None) -> None:
        """Build once; on failure keep the last good output and remember the problems.

        ``seen``: the snapshot the caller just took, if any; changes after it cause another rebuild.
        """
        started = time.perf_counter()
        self.seen = seen if seen is not None else snapshot(self.root)
        self.builds += 1
        try:
            config = load_config(self.root, base_url="/")
            if config.content_dir == self.root / "content":  # the build lists content/ as just seen
                self.cache.listing = {k[8:]: v for k, v in self.seen.items() if k.startswith("content/")}
            result = build_to(config, Options(drafts=self.drafts, search=False), self.out, self.cache, self.loaded)
            self.loaded = result.loaded
            self.problems = [p for p in result.warnings]
            elapsed = (time.perf_counter() - started) * 1000
            log.info("rebuilt in %.0f ms (%d pages)", elapsed, len(result.site.pages))
            self.indexed = self.builds
            self.indexer.submit(self.index_search, self.builds)
        except SiteError as exc:
            self.problems = list(exc.problems)
            log.warning("build failed, still serving the last good site:")
        except Exception as exc:
            self.problems = [Problem("(internal)", 0, f"{type(exc).__name__}: {exc}")]
            log.warning("build failed with an internal error, still serving the last good site:")
        for problem in self.problems:
            log.warning("  %s", problem)

    def index_search(self, build: int) -> None:
        """Pagefind's bundle for the pages of build number ``build``, made in a thread beside the
        server: the browser reloads without waiting for it, and search works in the preview."""
        if build != self.indexed:
            return  # a later build was written meanwhile: its pages are indexed next
        started = time.perf_counter()
        try:
            count = write_bundle(self.out)
        except (OSError, SiteError) as exc:  # e.g. the output swapped whole under it: the next rebuild indexes
            log.warning("search index not updated: %s", exc)
            return
        log.info("search index updated in %.0f ms (%d files)", (time.perf_counter() - started) * 1000, count)

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def poll(self) -> bool:
        """Called every POLL_MS (QUIET_MS while a change is pending); rebuild once changes stop. True if rebuilt."""
        now = snapshot(self.root)
        if now != self.seen:
            if not self.pending:
                self.first_change = time.monotonic()
            self.seen, self.pending = now, True
            if time.monotonic() - self.first_change < MAX_WAIT_S:
                return False
        if not self.pending:
            return False
        self.pending = False
        self.rebuild(now)
        return True

    def settle(self, touched: set[Path] | None = None) -> bool:
        """Called when the watcher saw changes and then none for QUIET_MS: rebuild if a file changed.

        ``touched``: the files the watcher named, if it could name them all: only they are
        looked at again (listing 4,000 sources took ~35 ms of every rebuild); the safety
        poll still compares whole snapshots.
        """
        now = snapshot(self.root) if touched is None else updated_snapshot(self.root, self.seen, touched)
        if now == self.seen and not self.pending:
            return False
        self.pending = False
        self.rebuild(now)
        return True


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's WebSocket, accepting pages from this machine (or the served host) only."""

    def check_origin(self, origin: str) -> bool:
        host = urlsplit(origin).hostname or ""
        return host in LOOPBACK or host == (self.request.host_name or "")

    @classmethod
    def reload_all(cls) -> None:
        message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
        for waiter in list(cls.waiters):
            try:
                waiter.write_message(message)
            except Exception:
                cls.waiters.discard(waiter)


class SiteHandler(web.RequestHandler):
    """Files from the output folder only; HTML gets the reload script and, after a failed build, the overlay."""

    def initialize(self, preview: Preview, port: int) -> None:
        self.preview = preview
        self.port = port

    def get(self, _: str) -> None:
        raw = self.request.path
        decoded = unquote(raw)
        if "\\" in decoded or "\0" in decoded or ".." in decoded.split("/"):
            return self._fail(403)
        root = self.preview.out.resolve()
        target = (root / decoded.lstrip("/")).resolve()
        if not target.is_relative_to(root) or target.name == MARKER:
            return self._fail(403)
        if target.is_dir():
            if not raw.endswith("/"):
                return self.redirect(raw + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._fail(404)
        self._send(target, 200)

    def _fail(self, status: int) -> None:
        page = self.preview.out.resolve() / "404.html"
        if status == 404 and page.is_file():
            return self._send(page, 404)
        self.set_status(status)
        self._finish_html(f"<!doctype html><title>{status}</title><h1>{status}</h1>".encode(), status)

    def _send(self, path: Path, status: int) -> None:
        self.set_status(status)
        data = path.read_bytes()
        if path.suffix == ".html":
            return self._finish_html(data, status)
        self.set_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.set_header("Cache-Control", "no-store")
        self.finish(data)

    def _finish_html(self, data: bytes, status: int) -> None:
        snippet = overlay_html(self.preview.problems) if self.preview.failed else ""
        snippet += f'<script src="/livereload.js?port={self.port}"></script>'
        text = data.decode("utf-8", "replace")
        index = text.rfind("</body>")
        text = text[:index] + snippet + text[index:] if index >= 0 else text + snippet
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(text.encode("utf-8"))


class OverlayStyle(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.finish(OVERLAY_CSS.read_bytes())


def overlay_html(problems: list[Problem]) -> str:
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


def make_app(preview: Preview, port: int) -> web.Application:
    return web.Application(
        [
            (r"/livereload", ReloadSocket),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/__sitegen/overlay\.css", OverlayStyle),
            (r"/(.*)", SiteHandler, {"preview": preview, "port": port}),
        ]
    )


def serve(root: Path, *, host: str, port: int, drafts: bool, out: Path, open_browser: bool) -> int:
    """Run the dev server until Ctrl-C. Returns the exit code."""
    load_config(root, base_url="/")  # a broken site.yaml is a usage error before anything starts
    out = out if out.is_absolute() else Path.cwd() / out
    preview = Preview(root=root, out=out, drafts=drafts)
    app = make_app(preview, port)
    try:
        server = app.listen(port, address=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                [Problem("--port", 0, f"port {port} is already in use; choose another with --port")]
            ) from None
        raise ConfigError([Problem("--host", 0, f"cannot listen on {host}:{port}: {exc.strerror}")]) from None
    if host not in LOOPBACK:
        log.warning("warning: listening on %s: anyone who can reach this machine can read the preview", host)
    preview.rebuild()
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    log.warning(
        "Serving %s at %s (drafts %s). Press Ctrl-C to stop.", root.resolve().name, url, "shown" if drafts else "hidden"
    )

    loop = ioloop.IOLoop.current()
    watcher = start_watcher(root)
    poll_ms = SAFETY_POLL_MS if watcher else POLL_MS

    pending_collect: object | None = None  # the scheduled collect_garbage()

    def collect_garbage() -> None:
        """Builds freeze what they make (pipeline.gc_paused); once the editor pauses, give it
        back to the collector. Not sooner: a full collection of a large site's index takes
        ~100 ms, which would otherwise land in the middle of the next edit's rebuild."""
        nonlocal pending_collect
        pending_collect = None
        gc.unfreeze()
        gc.collect()

    def rebuilt() -> None:
        nonlocal pending_collect
        ReloadSocket.reload_all()
        if pending_collect is not None:
            loop.remove_timeout(pending_collect)
        pending_collect = loop.call_later(IDLE_COLLECT_S, collect_garbage)

    def tick() -> None:
        try:
            if preview.poll():
                rebuilt()
        finally:
            loop.call_later((QUIET_MS if preview.pending else poll_ms) / 1000, tick)

    loop.call_later(poll_ms / 1000, tick)
    if watcher:
        pending_settle: object | None = None  # the scheduled call to settle(), while a burst goes on
        burst_started = 0.0

        def settle() -> None:
            nonlocal pending_settle
            pending_settle = None
            if preview.settle(watcher.take() if watcher else None):
                rebuilt()

        def on_change(fd: int, events: int) -> None:
            nonlocal pending_settle, burst_started
            if not watcher.read():
                return
            if pending_settle is not None:
                loop.remove_timeout(pending_settle)
            else:
                burst_started = time.monotonic()
            waited = time.monotonic() - burst_started
            pending_settle = loop.call_later(0 if waited > MAX_WAIT_S else QUIET_MS / 1000, settle)

        loop.add_handler(watcher.fd, on_change, ioloop.IOLoop.READ)
    if open_browser:
        webbrowser.open(url)
    try:
        loop.start()
    except KeyboardInterrupt:
        log.warning("stopped")
    finally:
        server.stop()
        if watcher:
            watcher.close()
    return 0

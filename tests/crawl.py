"""A tiny static host and crawler for tests: serve a built site under a path prefix, as
GitHub Pages does for a project site, and follow every link, asset, srcset and CSS url()."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


@contextmanager
def serve_under_prefix(folder: Path, prefix: str) -> Iterator[str]:
    """Serve ``folder`` at http://127.0.0.1:PORT{prefix}; misses get 404.html with status 404, like GitHub Pages."""

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = urlsplit(path).path
            if not path.startswith(prefix):
                return str(folder / "__outside_prefix__")
            return super().translate_path("/" + path[len(prefix) :])

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            page = folder / "404.html"
            if code != 404 or not page.is_file():
                return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    Handler.directory = str(folder)  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Handler(*a, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name) and tag != "form":
                self.refs.append(str(values[name]))
        if values.get("srcset"):
            self.refs += [part.strip().split()[0] for part in str(values["srcset"]).split(",") if part.strip()]
        if tag == "form" and values.get("action"):
            self.refs.append(str(values["action"]))


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # url -> html
    broken: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (from, page url, fragment)


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get_content_type()


def crawl(start: str) -> Crawl:
    """Follow every same-host reference from ``start``; record broken ones and those outside the prefix."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    prefix = urlsplit(start).path
    result = Crawl()
    queue, seen = [start], {start}
    while queue:
        url = queue.pop()
        status, body, kind = fetch(url)
        if status != 200:
            result.broken.append(f"{url} -> {status}")
            continue
        refs: list[str] = []
        if kind == "text/html":
            parser = _Refs()
            parser.feed(body.decode("utf-8"))
            result.pages[url] = body.decode("utf-8")
            result.ids[url] = parser.ids
            refs = parser.refs
        elif kind == "text/css":
            refs = CSS_URL.findall(body.decode("utf-8"))
        for ref in refs:
            absolute, fragment = urldefrag(urljoin(url, ref))
            if not absolute.startswith(origin):
                continue
            if not urlsplit(absolute).path.startswith(prefix):
                result.outside.append(f"{url}: {ref}")
                continue
            if fragment:
                result.fragments.append((url, absolute, unquote(fragment)))
            if absolute not in seen:
                seen.add(absolute)
                queue.append(absolute)
    return result

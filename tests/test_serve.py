"""The dev server, for real: a subprocess on 127.0.0.1 and a free port, real files, real HTTP."""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitekit import GOOD_BODY, ROOT, SITE_YAML, article, good_files
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from sitegen.edits import QUIET_S


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except (urllib.error.URLError, ConnectionError):
            assert self.process.poll() is None, self.log.read_text()
            return 0, ""  # not listening yet

    def request(self, path: str, method: str = "GET", host: str = "") -> tuple[int, dict[str, str], bytes]:
        """Send the path exactly as written (no client-side normalisation); status, headers, body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        connection.endheaders()
        response = connection.getresponse()
        answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        connection.close()
        return answer

    def raw_status(self, path: str) -> int:
        """The status of a GET of ``path`` sent byte for byte as given (latin-1), even bytes no client sends."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as connection:
            host = f"127.0.0.1:{self.port}"
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
            status_line = connection.makefile("rb").readline()
        return int(status_line.split()[1])

    def wait_for(self, path: str, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        body = ""
        while time.monotonic() < deadline:
            _, body = self.get(path)
            if text in body:
                return body
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared at {path}; server log:\n{self.log.read_text()}")

    def rebuilds(self) -> int:
        text = self.log.read_text()
        return text.count("rebuilt in") + text.count("build failed")


def start_server(root: Path, folder: Path, *args: str) -> Server:
    """`build.py serve` on ``root``, its output and log in ``folder``; returns once it serves."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(root), "serve", "--port", str(port)]
    process = subprocess.Popen([*command, *args], cwd=folder, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(root, port, process, log)
    server.wait_for("/", "<html")
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture
def serve(make_site: Callable[..., Path], tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start a server on a project of its own, which the test may edit."""
    servers: list[Server] = []

    def start(files: dict[str, str] | None = None, *args: str) -> Server:
        servers.append(start_server(make_site(files), tmp_path, *args))
        return servers[-1]

    yield start
    for server in servers:
        stop_server(server)


@pytest.fixture(scope="module")
def idle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests that only send requests (the good project, never edited)."""
    folder = tmp_path_factory.mktemp("idle")
    root = folder / "project"
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "static", root / "static")
    for name, text in good_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    server = start_server(root, folder)
    yield server
    stop_server(server)


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_edit_is_served_without_restart(serve: Callable[..., Server]) -> None:
    server = serve()
    beta = server.root / "content/articles/beta.md"
    edit(beta, article("beta", 2, GOOD_BODY["beta"] + "\nA freshly written sentence.\n"))
    body = server.wait_for("/beta/", "A freshly written sentence.")
    assert '<script src="/livereload.js?port=' in body


def test_burst_of_saves_is_one_rebuild(serve: Callable[..., Server]) -> None:
    server = serve()
    before = server.rebuilds()
    beta = server.root / "content/articles/beta.md"
    saved = []
    for index in range(20):  # one file saved again and again, as a formatter or a save-all does
        edit(beta, article("beta", 2, GOOD_BODY["beta"] + f"\nSave number {index}.\n"))
        saved.append(time.monotonic())
        time.sleep(0.005)
    server.wait_for("/beta/", "Save number 19.")
    time.sleep(0.5)
    stalls = sum(b - a > QUIET_S for a, b in itertools.pairwise(saved))  # a busy machine paused this test
    assert 1 <= server.rebuilds() - before <= 1 + stalls, server.log.read_text()


def test_site_yaml_saved_by_renaming_over_it_is_seen_every_time(serve: Callable[..., Server]) -> None:
    server = serve()
    site_yaml = server.root / "site.yaml"
    for title in ("First rename", "Second rename"):  # a watch on the file itself would end at the first
        (server.root / "site.yaml.new").write_text(SITE_YAML.replace("Test site", title))
        os.replace(server.root / "site.yaml.new", site_yaml)
        server.wait_for("/", title)


def test_broken_edit_shows_overlay_and_fix_recovers(serve: Callable[..., Server]) -> None:
    server = serve()
    beta = server.root / "content/articles/beta.md"
    edit(beta, article("beta", 2, GOOD_BODY["beta"].replace("alpha.md", "gone.md")))
    body = server.wait_for("/alpha/", 'id="sitegen-overlay"')
    assert "content/articles/beta.md:17" in body and "gone.md" in body
    assert "Alpha" in body  # the last good page is still there under the overlay
    status, css = server.get("/__sitegen/overlay.css")
    assert status == 200 and "#sitegen-overlay" in css
    edit(beta, article("beta", 2, GOOD_BODY["beta"] + "\nFixed now.\n"))
    body = server.wait_for("/beta/", "Fixed now.")
    assert "sitegen-overlay" not in body
    assert server.process.poll() is None


def test_broken_yaml_and_template_keep_the_server_up(serve: Callable[..., Server]) -> None:
    server = serve()
    edit(server.root / "site.yaml", "title: [unclosed\n")
    body = server.wait_for("/", 'id="sitegen-overlay"')
    assert "site.yaml:2" in body and "invalid YAML" in body
    edit(server.root / "templates/404.html", "{% block %}")
    time.sleep(0.3)
    assert server.process.poll() is None


@pytest.mark.parametrize(
    "path",
    [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%5csite.yaml",
        "/static/..%2f..%2fsite.yaml",
    ],
)
def test_traversal_never_escapes_the_output(idle: Server, path: str) -> None:
    server = idle
    assert server.raw_status(path) in (403, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/" + "a" * 300,  # longer than a file name may be (ENAMETOOLONG)
        "/" + ("b" * 250 + "/") * 40,  # longer than a path may be
        "/" + "c" * 60_000,
        "/%00",
        "/alpha/%00/",
        "/%",
        "/%zz",
        "/%ff",
        "/%c3%28",  # invalid UTF-8
        "/\u00e9".encode().decode("latin-1"),  # é sent as raw bytes
        "/..",
        "/alpha/../../..",
        "/a\\b",
        "/%0d%0aSet-Cookie:%20x=1",
        "/alpha/index.html/x",
        "/404.html/",
        "/livereload",  # without the WebSocket upgrade
    ],
)
def test_no_path_gives_a_server_error(idle: Server, path: str) -> None:
    server = idle
    assert server.raw_status(path) in (200, 301, 302, 403, 404)
    assert server.process.poll() is None


@pytest.mark.parametrize("path", ["//x", "//beta", "///beta", "//127.0.0.2/beta", "/%2F%2Fbeta", "//beta/."])
def test_redirects_stay_on_this_host(idle: Server, path: str) -> None:
    server = idle
    status, headers, _ = server.request(path)
    assert status in (200, 301, 302, 404)
    if status in (301, 302):
        assert headers["location"] == "/beta/"  # a path alone, which no browser reads as another host


def test_directory_without_slash_redirects_to_its_path(idle: Server) -> None:
    status, headers, _ = idle.request("/beta")
    assert status == 302 and headers["location"] == "/beta/"


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost.evil.example:{port}", "[::2]:{port}", ""]
)
@pytest.mark.parametrize("path", ["/", "/beta/", "/livereload.js", "/__sitegen/overlay.css", "/livereload", "/nothing"])
def test_foreign_host_is_refused(idle: Server, host: str, path: str) -> None:
    server = idle
    status, _, body = server.request(path, host=host.format(port=server.port) or " ")
    assert status == 403 and b"Beta" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "127.0.0.1"])
def test_own_names_are_answered(idle: Server, host: str) -> None:
    server = idle
    status, _, body = server.request("/beta/", host=host.format(port=server.port))
    assert status == 200 and b"<h1>Beta</h1>" in body


def test_head_is_get_without_the_body(idle: Server) -> None:
    server = idle
    for path in ("/beta/", "/__sitegen/overlay.css", "/livereload.js", "/nothing"):
        status, headers, body = server.request(path)
        head_status, head_headers, head_body = server.request(path, method="HEAD")
        assert (head_status, head_body) == (status, b"")
        assert head_headers["content-type"] == headers["content-type"]
        assert int(head_headers["content-length"]) == len(body) > 0


async def open_socket(port: int, origin: str | None, host: str = "") -> None:
    headers = {"Origin": origin} if origin else {}
    headers |= {"Host": host} if host else {}
    socket = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers=headers))
    socket.close()


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://127.0.0.1:1", "http://evil.example:{port}", "http://localhost:{port}", "null"],
)
def test_reload_socket_refuses_other_origins(idle: Server, origin: str) -> None:
    with pytest.raises(HTTPClientError) as refused:
        asyncio.run(open_socket(idle.port, origin.format(port=idle.port)))
    assert refused.value.code == 403
    asyncio.run(open_socket(idle.port, f"http://127.0.0.1:{idle.port}"))  # a page it served
    asyncio.run(open_socket(idle.port, f"http://localhost:{idle.port}", host=f"localhost:{idle.port}"))
    asyncio.run(open_socket(idle.port, None))  # not a browser, so no page to trust or distrust


def test_reload_socket_refuses_a_rebound_name(idle: Server) -> None:
    """A page of evil.example whose name now points at 127.0.0.1: same origin, foreign Host."""
    rebound = f"evil.example:{idle.port}"
    with pytest.raises(HTTPClientError) as refused:
        asyncio.run(open_socket(idle.port, f"http://{rebound}", host=rebound))
    assert refused.value.code == 403


def test_odd_paths_never_give_a_server_error(idle: Server) -> None:
    """Random paths made of the pieces that have broken servers before (seeded: the same every run)."""
    pieces = ["a", "..", ".", "%", "%2", "%zz", "%00", "%ff", "%c3%28", "%2e%2e", "%2f", "%5c", "\\", "/", "//"]
    pieces += ["?", "#", "%3f", "beta", "index.html", "x" * 300, "%e9", "\u00e9", "\u00ff", "%0d%0a", ";", "%20"]
    pieces += ["~", "*", "@", ":", "http:", "%25", "livereload", "__sitegen", "overlay.css", ".sitegen-output"]
    chosen = random.Random(17)
    for _ in range(300):
        path = "/" + "".join(chosen.choice(pieces) for _ in range(chosen.randint(1, 8)))
        assert idle.raw_status(path) in (200, 301, 302, 403, 404), path


def test_a_symlink_out_of_the_project_is_never_served(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    os.symlink(secret, server.root / "static" / "leak.txt")
    time.sleep(1.0)  # the rebuild it causes fails, and the last good site stays
    status, body = server.get("/static/leak.txt")
    assert status == 404 and "private" not in body


def test_drafts_appear_in_serve_only(serve: Callable[..., Server], tmp_path: Path) -> None:
    draft = article("gamma", 3, GOOD_BODY["beta"], draft="true")
    server = serve({"content/articles/gamma.md": draft})
    status, body = server.get("/gamma/")
    assert status == 200 and "Draft: this article is not published yet." in body


def test_backlinks_and_navigation_follow_an_edit(serve: Callable[..., Server]) -> None:
    server = serve()
    alpha = server.root / "content/articles/alpha.md"
    edit(alpha, article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", title='"Alpha renamed"'))
    server.wait_for("/beta/", "Alpha renamed")  # beta's "Linked from" and nav follow the new title
    server.wait_for("/about/", "Alpha renamed")
    edit(alpha, article("alpha", 1, GOOD_BODY["alpha"] + "\nBody only.\n", related="[beta]", title='"Alpha renamed"'))
    server.wait_for("/alpha/", "Body only.")


def test_template_static_and_data_changes_reach_every_page(serve: Callable[..., Server]) -> None:
    server = serve()
    base = server.root / "templates/base.html"
    edit(base, base.read_text().replace("Skip to content", "Skip to the article"))
    server.wait_for("/about/", "Skip to the article")
    server.wait_for("/beta/", "Skip to the article")
    css = server.root / "static/style.css"
    old_href = server.get("/alpha/")[1].split('href="/static/style.', 1)[1].split('"', 1)[0]
    edit(css, css.read_text() + "\n.marker-rule { color: red; }\n")
    deadline = time.monotonic() + 10
    new_href = old_href
    while new_href == old_href and time.monotonic() < deadline:
        time.sleep(0.05)
        new_href = server.get("/alpha/")[1].split('href="/static/style.', 1)[1].split('"', 1)[0]
    assert new_href != old_href  # a new fingerprint, so browsers cannot keep the old file
    server.wait_for("/static/style." + new_href, ".marker-rule")
    glossary = server.root / "content/glossary.yaml"
    edit(glossary, '- term: cortisol\n  definition: "A changed definition."\n')
    server.wait_for("/alpha/", 'title="A changed definition."')
    references = server.root / "content/references.yaml"
    edit(references, references.read_text().replace('title: "A meta-analysis"', 'title: "A renamed meta-analysis"'))
    server.wait_for("/alpha/", "A renamed meta-analysis")


def test_busy_port_is_a_one_line_error(make_site: Callable[..., Path]) -> None:
    root = make_site()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--project", str(root), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[0] == f"--port: port {port} is already in use; choose another with --port"


def test_search_is_indexed_in_the_background_after_each_rebuild(serve: Callable[..., Server]) -> None:
    """The preview serves each build before its search bundle, which a thread adds next (Preview.index_search)."""
    server = serve()

    def indexed_pages() -> int:
        status, body = server.get("/pagefind/pagefind-entry.json")
        return sum(lang["page_count"] for lang in json.loads(body)["languages"].values()) if status == 200 else 0

    deadline = time.monotonic() + 30
    while indexed_pages() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    before = indexed_pages()
    assert before > 0, server.log.read_text()
    (server.root / "content/articles/gamma.md").write_text(article("gamma", 3, GOOD_BODY["beta"]))
    server.wait_for("/gamma/", "<h1>Gamma</h1>")
    deadline = time.monotonic() + 30
    while indexed_pages() != before + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert indexed_pages() == before + 1, server.log.read_text()
    log = server.log.read_text()
    assert log.rindex("rebuilt in") < log.rindex("search index updated in")  # the reload did not wait for it

"""The dev server, for real: a subprocess on 127.0.0.1 and a free port, real files, real HTTP."""

from __future__ import annotations

import http.client
import json
import os
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
from sitekit import GOOD_BODY, ROOT, article


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

    def raw_status(self, path: str) -> int:
        """Send the path exactly as written (no client-side normalisation)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        status = connection.getresponse().status
        connection.close()
        return status

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


@pytest.fixture
def serve(make_site: Callable[..., Path], tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(files: dict[str, str] | None = None, *args: str, watch: str = "") -> Server:
        root = make_site(files)
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "--project",
                str(root),
                "serve",
                "--port",
                str(port),
                "--out",
                str(tmp_path / "preview"),
                *args,
            ],
            cwd=tmp_path,
            env={**os.environ, "SITEGEN_WATCH": watch},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        server = Server(root, port, process, log)
        servers.append(server)
        server.wait_for("/", "<html")
        return server

    yield start
    for server in servers:
        server.process.terminate()
        server.process.wait(timeout=10)


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("watch", ["", "poll"])  # inotify where the system has it; polling
def test_edit_is_served_without_restart(serve: Callable[..., Server], watch: str) -> None:
    server = serve(watch=watch)
    beta = server.root / "content/articles/beta.md"
    edit(beta, article("beta", 2, GOOD_BODY["beta"] + "\nA freshly written sentence.\n"))
    body = server.wait_for("/beta/", "A freshly written sentence.")
    assert '<script src="/livereload.js?port=' in body


@pytest.mark.parametrize("watch", ["", "poll"])
def test_burst_of_saves_is_one_or_two_rebuilds(serve: Callable[..., Server], watch: str) -> None:
    server = serve(watch=watch)
    time.sleep(0.3)
    before = server.rebuilds()
    beta = server.root / "content/articles/beta.md"
    for index in range(20):
        edit(beta, article("beta", 2, GOOD_BODY["beta"] + f"\nSave number {index}.\n"))
        time.sleep(0.01)
    server.wait_for("/beta/", "Save number 19.")
    time.sleep(0.5)
    assert 1 <= server.rebuilds() - before <= 2, server.log.read_text()


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
def test_traversal_never_escapes_the_output(serve: Callable[..., Server], path: str) -> None:
    server = serve()
    assert server.raw_status(path) in (403, 404)


def test_symlink_out_of_the_output_is_not_followed(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    os.symlink(secret, tmp_path / "preview" / "leak.txt")
    status, body = server.get("/leak.txt")
    assert status == 403 and "private" not in body


def test_drafts_appear_in_serve_only(serve: Callable[..., Server], tmp_path: Path) -> None:
    draft = article("gamma", 3, GOOD_BODY["beta"], draft="true")
    server = serve({"content/articles/gamma.md": draft})
    status, body = server.get("/gamma/")
    assert status == 200 and "Draft: this article is not published yet." in body


def test_unchanged_pages_are_not_rewritten_and_backlinks_follow(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    out = tmp_path / "preview"
    about = out / "about" / "index.html"
    mtime = about.stat().st_mtime_ns
    alpha = server.root / "content/articles/alpha.md"
    edit(alpha, article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", title='"Alpha renamed"'))
    server.wait_for("/beta/", "Alpha renamed")  # beta's "Linked from" and nav follow the new title
    server.wait_for("/", "Alpha renamed")
    assert about.stat().st_mtime_ns != mtime  # the nav on every page names the article, so it changed
    mtime = about.stat().st_mtime_ns
    edit(alpha, article("alpha", 1, GOOD_BODY["alpha"] + "\nBody only.\n", related="[beta]", title='"Alpha renamed"'))
    server.wait_for("/alpha/", "Body only.")
    assert about.stat().st_mtime_ns == mtime  # a body edit leaves other pages' bytes alone


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
    """The preview is written without its search bundle, which a thread makes next (search.write_bundle)."""
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

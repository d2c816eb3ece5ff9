"""Edit-to-new-content latency of the dev server: save an article, time until the page serves it.

    python benchmarks/serve_latency.py --project /work/main         # the real site (a temp copy)
    python benchmarks/serve_latency.py --corpus 1000                # a generated site of 1,000 articles
    python benchmarks/serve_latency.py --corpus 1000 --hugo         # the same corpus under `hugo server`

Starts `build.py serve --project DIR --port P` (or `hugo server`) in a subprocess, waits until
the page is served, then --edits times: appends a unique marker sentence to one article's body,
polls GET http://127.0.0.1:P/<page>/ every 10 ms until the marker appears, and records the time
from the end of the save. Prints median and p90, and a full build of the same project for
comparison. Never edits the project it is given: it works on a copy in a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
import run as bench

POLL_S = 0.01
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "_site", "_preview", ".cache", "__pycache__", ".*_cache", "benchmarks", "tests"
)


@dataclass(frozen=True, slots=True)
class Target:
    """What to serve and edit: the project copy, the server command, the edited file and its URL path."""

    root: Path
    cmd: tuple[str | Path, ...]
    source: Path
    url_path: str
    build: tuple[str | Path, ...]  # a full build of the same project, for comparison
    clean: tuple[str, ...]  # what to delete before that build, to make it cold


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with NO_PROXY.open(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def wait_for(url: str, needle: str, timeout: float, proc: subprocess.Popen[bytes]) -> float | None:
    """Poll ``url`` every 10 ms until its body contains ``needle``; seconds taken, or None."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        status, body = fetch(url)
        if status == 200 and needle in body:
            return time.perf_counter() - started
        if proc.poll() is not None:
            return None
        time.sleep(POLL_S)
    return None


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def ours_target(root: Path, slug: str, port: int, engine: Path) -> Target:
    python, build = bench.our_python(), engine / "build.py"
    return Target(
        root,
        (python, build, "serve", "--project", root, "--port", str(port)),
        root / "content" / "articles" / f"{slug}.md",
        f"/{slug}/",
        (python, build, "build", "--project", root, "--out", root / "_site"),
        (".cache", "_site"),
    )


def hugo_target(root: Path, slug: str, port: int, engine: Path) -> Target:
    hugo = bench.hugo_binary()
    return Target(
        root,
        (hugo, "server", "--bind", "127.0.0.1", "--port", str(port), "--baseURL", f"http://127.0.0.1:{port}/"),
        root / "content" / "articles" / f"{slug}.md",
        f"/articles/{slug}/",
        (hugo, "--quiet", "-d", "public"),
        ("public", "resources"),
    )


def prepare(args: argparse.Namespace, workdir: Path, engine: Path) -> tuple[Path, str]:
    """Copy the real project, or write a generated corpus; return its root and the edited slug."""
    root = workdir / "site"
    if args.corpus:
        if args.hugo:
            corpus.write_hugo(root, args.corpus, args.seed)
        else:
            corpus.write_corpus(root, args.corpus, args.seed, engine)
        return root, args.slug or corpus.slug_of(1, args.corpus)
    if args.hugo:
        raise SystemExit("--hugo needs --corpus N: the real site has no Hugo version")
    shutil.copytree(args.project, root, ignore=SKIP)
    articles = sorted((root / "content" / "articles").glob("*.md"))
    if not articles:
        raise SystemExit(f"{args.project} has no content/articles/*.md")
    return root, args.slug or articles[0].stem


def measure_edits(target: Target, port: int, edits: int, timeout: float, log: Path) -> list[float]:
    url = f"http://127.0.0.1:{port}{target.url_path}"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(c) for c in target.cmd], cwd=target.root, stdout=out, stderr=subprocess.STDOUT)
    try:
        started = time.perf_counter()
        if wait_for(url, "</html>", timeout * 10, proc) is None:
            raise SystemExit(f"the server never served {url}; its output:\n{log.read_text(errors='replace')[-3000:]}")
        print(f"  first page served {time.perf_counter() - started:.2f} s after start", flush=True)
        time.sleep(0.5)  # let the watcher settle before the first edit
        latencies = []
        for k in range(edits):
            marker = f"Latencymarker{k:03d}x{port}"
            append(target.source, f"\n{marker} was added to this article by the benchmark.\n")
            seconds = wait_for(url, marker, timeout, proc)
            if seconds is None:
                raise SystemExit(f"edit {k + 1}: {marker} never appeared at {url} within {timeout} s")
            latencies.append(seconds)
            print(f"  edit {k + 1:2d}: {seconds * 1000:7.1f} ms", flush=True)
            time.sleep(0.3)  # separate saves: one rebuild each, not one burst
        return latencies
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def full_build(target: Target) -> tuple[float, float]:
    """A cold full build of the same project, then a no-change rebuild (seconds)."""
    for name in target.clean:
        shutil.rmtree(target.root / name, ignore_errors=True)
    cold = bench.measure(target.build, target.root)
    warm = bench.measure(target.build, target.root)
    if cold.returncode != 0:
        print(f"  full build failed ({cold.returncode}): {cold.stderr.strip()[-500:]}")
    return cold.seconds, warm.seconds


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = p.add_mutually_exclusive_group()
    where.add_argument("--project", type=Path, default=bench.MAIN, help="project to copy and serve (default: ours)")
    where.add_argument("--corpus", type=int, default=0, help="serve a generated corpus of N articles instead")
    p.add_argument("--hugo", action="store_true", help="run `hugo server` on the Hugo version of --corpus N")
    p.add_argument("--slug", default="", help="article to edit (default: the first)")
    p.add_argument("--edits", type=int, default=20, help="number of edits (default 20)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one edit to show")
    p.add_argument("--no-full-build", action="store_true", help="skip the full-build comparison")
    p.add_argument("--commit", metavar="REF", help="serve with the engine as committed at REF (see run.py --commit)")
    return p.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    bench.CACHE.mkdir(exist_ok=True)
    if args.hugo:
        bench.ensure_tools()
    port = args.port or free_port()
    engine = bench.snapshot_engine(args.commit) if args.commit else bench.MAIN
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as tmp:
        root, slug = prepare(args, Path(tmp), engine)
        make = hugo_target if args.hugo else ours_target
        target = make(root, slug, port, engine)
        what = f"{'hugo server' if args.hugo else 'build.py serve'} on " + (
            f"a generated corpus of {args.corpus} articles" if args.corpus else f"a copy of {args.project}"
        )
        print(f"{bench.machine()}\n{what}; editing {target.source.relative_to(root)}, polling {target.url_path}")
        latencies = measure_edits(target, port, args.edits, args.timeout, bench.CACHE / "serve-latency.log")
        ms = [s * 1000 for s in latencies]
        print(
            f"edit-to-new-content latency over {len(ms)} edits: median {statistics.median(ms):.0f} ms, "
            f"p90 {percentile(ms, 0.9):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms "
            f"(includes up to {POLL_S * 1000:.0f} ms of client polling)"
        )
        if not args.no_full_build:
            cold, warm = full_build(target)
            print(
                f"for comparison, a full build of the same project as a command: cold {cold:.2f} s, "
                f"no-change rebuild {warm:.2f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

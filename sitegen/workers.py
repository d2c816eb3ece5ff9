"""The two expensive steps of a build, spread over worker processes when there is enough work.

1. Sources: parse front matter, render Markdown and run the page's own checks. Each worker
   makes one Renderer at start-up and gets each source's bytes; it returns a SourceEntry.
2. Templates: render each page's HTML from the finished Site index, and write it. Workers
   are forked after the index is built, so they share it instead of receiving a copy, and
   this process renders alongside them; where fork is not available (Windows, macOS'
   default) templates are rendered in this process only.

Below POOL_THRESHOLD pieces of work a pool costs more than it saves, so small sites and the
dev server's rebuilds of a few pages run in this process.
"""

from __future__ import annotations

import dataclasses
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import jinja2

from .bibliography import Source
from .cache import SourceEntry, indexed_elsewhere, shown_elsewhere
from .check import local_problems
from .config import Config
from .content import read_source
from .errors import Problem
from .glossary import Term
from .markdown import Renderer
from .outputs import render_page_files
from .site import Site

POOL_THRESHOLD = 64
_T = TypeVar("_T")
CHUNK = 64  # pages rendered per batch of templates


@dataclass(frozen=True, slots=True)
class SourceJob:
    source: str  # path inside content/
    kind: str
    data: bytes


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one source becomes: its entry (None if it could not be parsed) and its problems."""

    entry: SourceEntry | None
    problems: tuple[Problem, ...]


def worker_count(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


# -- 1. sources ----------------------------------------------------------------------------
class SourceWorker:
    """Turns a source's bytes into a SourceEntry; one per process."""

    def __init__(self, terms: tuple[Term, ...], sources: Mapping[str, Source], config: Config) -> None:
        self.renderer = Renderer(terms)
        self.sources = sources
        self.config = config

    def made_for(self, terms: tuple[Term, ...], sources: Mapping[str, Source], config: Config) -> bool:
        return (self.renderer.terms, self.sources, self.config) == (terms, sources, config)

    def __call__(self, job: SourceJob) -> SourceResult:
        page, problems = read_source(job.source, job.kind, job.data)
        if page is None:
            return SourceResult(None, tuple(problems))
        rendered = self.renderer.render(page.body, page.project_path)
        problems += local_problems(page, rendered, self.sources, self.config)
        shown = shown_elsewhere(page, rendered)
        page = dataclasses.replace(page, body="")  # not needed once rendered and checked: less to keep and cache
        indexed = indexed_elsewhere(shown, rendered)
        return SourceResult(SourceEntry(page, rendered, tuple(problems), shown=shown, indexed=indexed), ())


_source_worker: SourceWorker | None = None  # in a worker process
_serial_worker: SourceWorker | None = None  # in this process, for small batches (the dev server)


def _start_source_worker(terms: tuple[Term, ...], sources: Mapping[str, Source], config: Config) -> None:
    global _source_worker  # one Renderer per worker process, made once
    _source_worker = SourceWorker(terms, sources, config)


def _run_source_job(job: SourceJob) -> SourceResult:
    assert _source_worker is not None
    return _source_worker(job)


def process_sources(
    jobs: list[SourceJob], terms: tuple[Term, ...], sources: Mapping[str, Source], config: Config, workers: int
) -> list[SourceResult]:
    """Each job's result, in order."""
    if not jobs:
        return []
    count = worker_count(workers)
    if count > 1 and len(jobs) >= POOL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor  # here: ~15 ms of start-up a small rebuild never uses

        # Small chunks: at the end, one worker may still be busy with its last chunk while the
        # others have nothing left (250 pages, the old size at 4,000, was 0.75 s of one idle
        # core), and large results cost more CPU to pass (measured: 250 > 32 > 8 pages).
        chunk = max(1, min(8, len(jobs) // (count * 8)))
        with ProcessPoolExecutor(count, initializer=_start_source_worker, initargs=(terms, sources, config)) as pool:
            return list(pool.map(_run_source_job, jobs, chunksize=chunk))
    global _serial_worker
    if _serial_worker is None or not _serial_worker.made_for(terms, sources, config):
        _serial_worker = SourceWorker(terms, sources, config)  # kept: making a Renderer costs ~10 ms
    return [_serial_worker(job) for job in jobs]


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _fork_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("fork")


# -- 2. templates --------------------------------------------------------------------------
_shared: tuple[Site, Config, jinja2.Environment, Callable[[dict[str, bytes]], Any]] | None = None  # set before forking


def _render_chunk(paths: list[str]) -> Any:
    assert _shared is not None
    site, config, env, write = _shared
    return write(render_page_files(site, config, env, [site.by_output[path] for path in paths]))


def render_site_pages(
    site: Site,
    config: Config,
    env: jinja2.Environment,
    paths: list[str],
    workers: int,
    write: Callable[[dict[str, bytes]], _T],
    meanwhile: Callable[[], object] = lambda: None,
) -> Iterator[_T]:
    """Render the pages at ``paths`` (output paths) in batches of CHUNK pages, pass each batch
    (output path -> HTML) to ``write`` in the process that rendered it, and yield what
    ``write`` returns, in no particular order. ``meanwhile`` is this process's other work,
    done once the forked workers have theirs (else first), so that no core waits for it.

    With J workers, this process renders too, alongside J - 1 forked ones: each forked worker
    ends up with a private copy of much of the site index it shares at first (touching an
    object writes its reference count, which copies the page it is on), 60-70 MB at 4,000
    pages, so one fewer is that much less memory. ``write`` runs in the workers, so that
    what comes back is small (Staging.write: the pages' hashes): a worker's pages sent back
    whole were read by this process's pool thread in pipe-sized pieces, one per switch of
    the interpreter lock, while this process was rendering, and the worker waited.
    """
    global _shared
    chunks = deque(paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK))
    forked = worker_count(workers) - 1
    if forked < 1 or len(paths) < POOL_THRESHOLD or not _can_fork():
        meanwhile()
        for chunk in chunks:
            yield write(render_page_files(site, config, env, [site.by_output[path] for path in chunk]))
        return
    import gc
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait  # here, as above

    gc.freeze()  # the workers' collections then leave the shared pages of the site index alone
    _shared = (site, config, env, write)
    try:
        with ProcessPoolExecutor(forked, mp_context=_fork_context()) as pool:
            running: set[Future[_T]] = set()
            started = False
            while chunks or running:
                while chunks and len(running) < 2 * forked:
                    running.add(pool.submit(_render_chunk, chunks.popleft()))
                if not started:
                    meanwhile()
                    started = True
                if chunks:  # render one here, from the other end
                    yield _render_chunk(chunks.pop())
                finished, running = wait(running, timeout=0 if chunks else None, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
    finally:
        _shared = None

"""Render sources in worker processes, each page under a time limit.

Parsing front matter, rendering Markdown and a page's own checks are most of a cold build's
work, so they run in one worker process per CPU. Each worker makes one Renderer and renders
the sources it is sent, one at a time. A page that takes longer than the time limit (some
Markdown makes Python-Markdown crawl) is a problem naming its file, and its worker is
stopped and replaced: no input can hang the build. concurrent.futures and multiprocessing's
Pool cannot stop one task that runs too long, hence the small dispatcher here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .bibliography import Source
from .check import local_problems
from .config import Config
from .content import read_source
from .entries import SourceEntry, shown_elsewhere
from .errors import Problem
from .glossary import Term
from .limits import render_bounded
from .markdown import Renderer

PARENT_CHECK_S = 1.0  # how often an idle worker checks that the build that started it still runs


@dataclass(frozen=True, slots=True)
class SourceJob:
    source: str  # path under content/
    kind: str
    data: bytes


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one source becomes: its entry (None if it could not be parsed) and its problems."""

    entry: SourceEntry | None
    problems: tuple[Problem, ...]


def render_source(renderer: Renderer, job: SourceJob, sources: Mapping[str, Source], config: Config) -> SourceResult:
    """Parse, render and check one source on its own."""
    page, problems = read_source(job.source, job.kind, job.data)
    if page is None:
        return SourceResult(None, tuple(problems))
    rendered, refused = render_bounded(renderer, page)
    if rendered is None:
        return SourceResult(None, (*problems, *refused))
    problems += local_problems(page, rendered, sources, config)
    page = dataclasses.replace(page, body="")  # not needed once rendered and checked
    return SourceResult(SourceEntry(page, rendered, tuple(problems), shown_elsewhere(page, rendered)), ())


def render_sources(
    jobs: list[SourceJob],
    terms: tuple[Term, ...],
    sources: Mapping[str, Source],
    config: Config,
    workers: int,
) -> list[SourceResult]:
    """Each job's result, in order; a page may take config.render_timeout seconds."""
    time_limit = config.render_timeout
    if not jobs:
        return []
    count = min(workers or os.cpu_count() or 1, len(jobs))
    pool = [Worker(terms, sources, config) for _ in range(count)]
    results: dict[int, SourceResult] = {}
    waiting = list(reversed(range(len(jobs))))
    try:
        while len(results) < len(jobs):
            for worker in pool:
                if worker.job is None and waiting:
                    worker.send(waiting.pop(), jobs)
            busy = [w for w in pool if w.job is not None]
            deadline = min(w.started for w in busy) + time_limit
            ready = wait([w.connection for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for worker in busy:
                index = worker.job
                assert index is not None
                result = worker.receive() if worker.connection in ready else None
                if result is not None:
                    results[index] = result
                elif worker.connection in ready or time.monotonic() - worker.started >= time_limit:
                    late = worker.connection not in ready
                    results[index] = stopped(
                        jobs[index], f"took longer than {time_limit:g} s" if late else "crashed its worker process"
                    )
                    worker.stop()  # and a new one takes its place
                    pool[pool.index(worker)] = Worker(terms, sources, config)
    finally:
        for worker in pool:
            worker.stop()
    return [results[index] for index in range(len(jobs))]


def stopped(job: SourceJob, what: str) -> SourceResult:
    """The problem of a page whose rendering ran too long, or whose worker process died on it."""
    message = (
        f"its rendering {what} and was stopped; look for very long runs of brackets, "
        "asterisks or deep nesting (site.yaml's render_timeout sets the time limit)"
    )
    return SourceResult(None, (Problem(f"content/{job.source}", 1, message),))


class Worker:
    """One worker process and the job it is rendering (an index into the jobs), if any."""

    def __init__(self, terms: tuple[Term, ...], sources: Mapping[str, Source], config: Config) -> None:
        self.connection, theirs = multiprocessing.Pipe()
        self.process = _context().Process(target=_serve, args=(theirs, terms, sources, config), daemon=True)
        self.process.start()
        theirs.close()
        self.job: int | None = None
        self.started = 0.0

    def send(self, index: int, jobs: list[SourceJob]) -> None:
        self.job, self.started = index, time.monotonic()
        self.connection.send(jobs[index])

    def receive(self) -> SourceResult | None:
        """The result of the job sent; None if the process died on it (memory, a C library)."""
        try:
            result: SourceResult | Exception = self.connection.recv()
        except EOFError:
            return None
        self.job = None
        if isinstance(result, Exception):  # a bug in the engine: raised here, as it was there
            raise result
        return result

    def stop(self) -> None:
        if self.job is None and self.process.is_alive():
            try:
                self.connection.send(None)
                self.process.join(timeout=1)
            except OSError:
                pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _serve(connection: Connection, terms: tuple[Term, ...], sources: Mapping[str, Source], config: Config) -> None:
    """A worker process: render each job it is sent until it is sent None."""
    renderer = Renderer(terms)
    with contextlib.suppress(EOFError):  # the build ended without saying so (it was killed)
        serve_jobs(connection, renderer, sources, config)


def serve_jobs(connection: Connection, renderer: Renderer, sources: Mapping[str, Source], config: Config) -> None:
    parent = os.getppid()
    while True:
        while not connection.poll(PARENT_CHECK_S):
            if os.getppid() != parent:  # the build was killed: forked siblings keep the pipe open
                return
        job = connection.recv()
        if job is None:
            return
        try:
            result: SourceResult | Exception = render_source(renderer, job, sources, config)
        except Exception as exc:  # sent back whole, so the build reports it
            result = exc
        connection.send(result)


def _context() -> Any:
    """fork where there is one (nothing to pickle, no imports to repeat), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")

"""The build, in its phases: load -> resolve and check -> render -> write."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .assets import collect_assets
from .bibliography import load_bibliography
from .cache import RenderCache, cache_key, render_salt
from .check import check_site
from .config import Config
from .content import Page, load_pages
from .errors import Problem, SiteError
from .glossary import Term, load_glossary
from .markdown import Rendered, Renderer
from .outputs import render_pages
from .publish import build_search_index, publication_files
from .site import Site
from .templates import make_environment
from .urls import Urls
from .writer import check_output_dir, write_site

log = logging.getLogger("sitegen")


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    strict: bool = False
    jobs: int = 0  # worker processes for Markdown; 0: as many as the machine has CPUs
    search: bool = True  # build the Pagefind index (the dev server leaves it out for speed)


POOL_THRESHOLD = 64  # fewer pages than this to render: a process pool costs more than it saves
_worker_renderer: Renderer | None = None


def _start_worker(terms: tuple[Term, ...]) -> None:
    global _worker_renderer  # one Renderer per worker process, made once
    _worker_renderer = Renderer(terms)


def _render_in_worker(job: tuple[str, str]) -> Rendered:
    assert _worker_renderer is not None
    return _worker_renderer.render(job[1], job[0])


def render_all(pages: list[Page], terms: tuple[Term, ...], cache: RenderCache, jobs: int) -> dict[str, Rendered]:
    """Render every page's Markdown, reusing cached results; misses go to a process pool when many."""
    salt = render_salt(terms)
    keys = {p.project_path: cache_key(salt, p.project_path, p.body) for p in pages}
    rendered: dict[str, Rendered] = {}
    missing: list[Page] = []
    for page in pages:
        hit = cache.get(keys[page.project_path])
        if hit is None:
            missing.append(page)
        else:
            rendered[page.project_path] = hit
    workers = jobs or os.cpu_count() or 1
    jobs_list = [(p.project_path, p.body) for p in missing]
    if workers > 1 and len(missing) >= POOL_THRESHOLD:
        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(terms,)) as pool:
            results = list(pool.map(_render_in_worker, jobs_list, chunksize=max(1, len(jobs_list) // (workers * 8))))
    else:
        renderer = Renderer(terms)
        results = [renderer.render(body, source) for source, body in jobs_list]
    for page, result in zip(missing, results, strict=True):
        cache.put(keys[page.project_path], result)
        rendered[page.project_path] = result
    log.debug("rendered %d pages, %d from cache", len(missing), len(pages) - len(missing))
    return rendered


@dataclass(frozen=True, slots=True)
class Result:
    """A successful load/render: the site, its files and the warnings met on the way."""

    site: Site
    files: dict[str, bytes]
    warnings: tuple[Problem, ...]


def load_site(config: Config, options: Options, cache: RenderCache | None = None) -> tuple[Site, list[Problem]]:
    """Phases 1-2: read and render everything in memory, index it, check it. Writes nothing."""
    pages, problems = load_pages(config.content_dir)
    sources, bib_problems = load_bibliography(config.bibliography, _shown(config, config.bibliography))
    terms, term_problems = load_glossary(config.glossary, _shown(config, config.glossary))
    problems += bib_problems + term_problems
    published = [p for p in pages if options.drafts or not p.draft]
    problems += find_collisions(published)
    manifest, _ = collect_assets(config.static_dir)
    rendered = render_all(published, terms, cache or RenderCache(), options.jobs)
    site = Site(
        published,
        rendered,
        sources,
        terms,
        Urls(config.base_path, config.origin),
        manifest,
        drafts=frozenset(p.project_path for p in pages) - {p.project_path for p in published},
    )
    problems += check_site(site, config)
    return site, problems


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def find_collisions(pages: list[Page]) -> list[Problem]:
    """Two sources may not write the same output path, even differing only in letter case."""
    seen: dict[str, Page] = {}
    problems = []
    for page in pages:
        key = page.output_path.lower()
        if key in seen:
            other = seen[key]
            problems.append(
                Problem(
                    page.project_path,
                    page.line_of("slug") if "slug" in page.key_lines else 1,
                    f"writes {page.output_path}, as {other.project_path} does; give one of them another slug",
                )
            )
        else:
            seen[key] = page
    return problems


def build(config: Config, options: Options, cache: RenderCache | None = None) -> Result:
    """Load, check and render the whole site; raise SiteError with every problem."""
    site, problems = load_site(config, options, cache)
    errors = [p for p in problems if p.is_error or options.strict]
    if errors:
        raise SiteError(problems)
    env = make_environment(config.templates_dir)
    files = render_pages(site, config, env)
    _, assets = collect_assets(config.static_dir)
    files.update(assets)
    files.update(publication_files(site, config))
    return Result(site, files, tuple(problems))


def build_to(config: Config, options: Options, out: Path, cache: RenderCache | None = None) -> Result:
    """Build and write to ``out``; the previous output is untouched unless the build succeeds."""
    check_output_dir(out, config.root)
    result = build(config, options, cache)
    search_problems: list[Problem] = []

    def index_search(folder: Path, changed: bool) -> None:
        if not options.search or not (changed or not (folder / "pagefind").is_dir()):
            return
        problem = build_search_index(folder)
        if problem:
            search_problems.append(problem)

    written = write_site(out, result.files, after_write=index_search)
    log.info("%d of %d files changed in %s", len(written), len(result.files), out)
    return Result(result.site, result.files, result.warnings + tuple(search_problems))

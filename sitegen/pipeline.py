"""The build, in its phases: load -> resolve and check -> render -> write."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .assets import collect_assets
from .bibliography import load_bibliography
from .check import check_site
from .config import Config
from .content import Page, load_pages
from .errors import Problem, SiteError
from .glossary import load_glossary
from .markdown import Renderer
from .outputs import render_pages
from .site import Site
from .templates import make_environment
from .urls import Urls
from .writer import check_output_dir, write_site

log = logging.getLogger("sitegen")


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    strict: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """A successful load/render: the site, its files and the warnings met on the way."""

    site: Site
    files: dict[str, bytes]
    warnings: tuple[Problem, ...]


def load_site(config: Config, options: Options) -> tuple[Site, list[Problem]]:
    """Phases 1-2: read and render everything in memory, index it, check it. Writes nothing."""
    pages, problems = load_pages(config.content_dir)
    sources, bib_problems = load_bibliography(config.bibliography, _shown(config, config.bibliography))
    terms, term_problems = load_glossary(config.glossary, _shown(config, config.glossary))
    problems += bib_problems + term_problems
    published = [p for p in pages if options.drafts or not p.draft]
    problems += find_collisions(published)
    manifest, _ = collect_assets(config.static_dir)
    renderer = Renderer(terms)
    rendered = {p.project_path: renderer.render(p.body, p.project_path) for p in published}
    site = Site(
        published,
        rendered,
        sources,
        terms,
        Urls(config.base_path, config.origin),
        manifest,
        drafts=frozenset(p.project_path for p in pages if p not in published),
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


def build(config: Config, options: Options) -> Result:
    """Load, check and render the whole site; raise SiteError with every problem."""
    site, problems = load_site(config, options)
    errors = [p for p in problems if p.is_error or options.strict]
    if errors:
        raise SiteError(problems)
    env = make_environment(config.templates_dir)
    files = render_pages(site, config, env)
    _, assets = collect_assets(config.static_dir)
    files.update(assets)
    return Result(site, files, tuple(problems))


def build_to(config: Config, options: Options, out: Path) -> Result:
    """Build and write to ``out``; the previous output is untouched unless the build succeeds."""
    check_output_dir(out, config.root)
    result = build(config, options)
    write_site(out, result.files)
    log.info("wrote %d files to %s", len(result.files), out)
    return result

"""The build, as a table of contents: load, index, check, render, write.

1. Load: site.yaml is already a Config; read the bibliography and glossary, then every
   source, parsed, rendered and checked on its own (from the store when its bytes and
   everything it depends on are unchanged).
2. Index and check: the Site index, then every check that needs all pages (links, orders).
   Every problem is collected before the build fails.
3. Render: templates -> {output path: bytes}, then Pagefind's bundle. A page whose render
   key (everything its HTML depends on) is that of a file already in place is not rendered.
4. Write (build_to only): the tree beside the output is brought up to date and swapped in
   whole (writer.py).

`check` is steps 1-3 without step 4.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .assets import collect_assets
from .bibliography import Source, load_bibliography
from .check import check_orders, page_site_problems
from .config import Config
from .content import Page, discover
from .entries import (
    SourceEntry,
    decode_entry,
    encode_entry,
    engine_fingerprint,
    entry_key,
    source_salt,
)
from .errors import Problem, SiteError
from .glossary import Term, load_glossary
from .outputs import GENERATED, render_generated, render_page_files
from .publish import publication_files
from .review import review_problems
from .safeurl import source_problems as bibliography_link_problems
from .search import decode_bundle, encode_bundle, search_files
from .site import Site
from .store import Store
from .templates import make_environment, templates_digest
from .urls import Urls
from .workers import SourceJob, render_sources
from .writer import cannot_write, check_output_dir, output_lock, read_held, replace_output, spare_state

log = logging.getLogger("sitegen")
PAGEFIND_VERSION = importlib.metadata.version("pagefind")


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    strict: bool = False
    jobs: int = 0  # worker processes for Markdown; 0: one per CPU
    search: bool = True  # write the search index (Pagefind's bundle)
    today: dt.date | None = None  # for overdue reviews (review.py); None: not checked


@dataclass(frozen=True, slots=True)
class Last:
    """What the last build left that the next may reuse, every piece checked before use."""

    files: Mapping[str, bytes] = field(default_factory=dict)  # output path -> bytes, if they are at hand
    keys: Mapping[str, str] = field(default_factory=dict)  # output path -> render key of what is there
    entries: Mapping[str, SourceEntry] = field(default_factory=dict)  # entry key -> entry
    templates: tuple[str, jinja2.Environment] | None = None  # templates digest, environment


@dataclass(frozen=True, slots=True)
class Built:
    site: Site
    files: dict[str, bytes]  # every output file but the pages Last.keys said are already there
    keys: dict[str, str]  # output path -> render key, for every page
    problems: tuple[Problem, ...]  # warnings (a build with errors raises SiteError)
    entries: dict[str, SourceEntry]  # entry key -> entry, of every source
    templates: tuple[str, jinja2.Environment] | None  # the digest of templates/ and its environment, if made

    def as_last(self) -> Last:
        return Last(self.files, self.keys, self.entries, self.templates)


@dataclass(frozen=True, slots=True)
class Data:
    """The data and static files every page depends on."""

    sources: dict[str, Source]
    terms: tuple[Term, ...]
    salt: str  # entries.source_salt
    assets: dict[str, str]  # each file under static/ -> its output path (fingerprinted names)
    static: dict[str, bytes]  # output path -> bytes of each file of static/


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """Log how long a phase took (shown with --debug)."""
    started = time.perf_counter()
    yield
    log.debug("%s: %.0f ms", phase, (time.perf_counter() - started) * 1000)


def build(config: Config, options: Options, store: Store, last: Last | None = None) -> Built:
    """Load, index, check and render the whole site in memory; raise SiteError with every problem."""
    last = last or Last()
    with timed("data files"):
        data, problems = load_data(config)
    with timed("sources"):
        entries, keys, source_problems = load_sources(config, options, data, store, last)
    with timed("index"):
        site = index(config, options, data, entries.values())
    with timed("checks"):
        problems += source_problems + check(site, config, options, entries.values())
    if any(p.is_error or options.strict for p in problems):
        raise SiteError(problems)
    with timed("templates"):
        files, render_keys, templates = render(config, options, site, data, keys, entries, last)
    if options.search:
        with timed("search index"):
            files |= search_bundle(files, store)
    return Built(site, files, render_keys, tuple(problems), {keys[p]: e for p, e in entries.items()}, templates)


def build_to(config: Config, options: Options, out: Path, store: Store) -> Built:
    """Build, then put the new site in place of ``out`` whole; a failed build leaves it as it was."""
    try:
        with output_lock(out):
            check_output_dir(out, config.root)
            with timed("spare tree checked"):
                held = spare_state(out)
                pages = read_held(out, held) if options.search else {}  # Pagefind reads every page
            kept = {name: h.key for name, h in held.items() if h.key} if store.path else {}  # --no-cache: all anew
            built = build(config, options, store, Last(pages, kept))
            with timed("written"):
                changed = replace_output(out, built.files, built.keys, held)
    except OSError as exc:  # the output's folder, lock or spare tree could not be read or written
        raise cannot_write(out, exc) from exc
    log.info("%d of %d files changed in %s", len(changed), len(built.files.keys() | built.keys), out)
    return built


# -- 1. load -----------------------------------------------------------------------------
def load_data(config: Config) -> tuple[Data, list[Problem]]:
    sources, problems = load_bibliography(config.bibliography, _shown(config, config.bibliography))
    problems += bibliography_link_problems(sources.values(), _shown(config, config.bibliography))
    terms, term_problems = load_glossary(config.glossary, _shown(config, config.glossary))
    assets, static = collect_assets(config.static_dir)
    data = Data(sources, tuple(terms), source_salt(config, sources, tuple(terms)), assets, static)
    return data, problems + term_problems


def load_sources(
    config: Config, options: Options, data: Data, store: Store, last: Last
) -> tuple[dict[str, SourceEntry], dict[str, str], list[Problem]]:
    """Every source's entry and entry key by project path, and the problems that kept the others out."""
    found, problems = discover(config.content_dir)
    jobs: dict[str, SourceJob] = {}
    for source, kind, path in found:
        try:
            job = SourceJob(source, kind, Path(path).read_bytes())
        except OSError as exc:
            problems.append(Problem(f"content/{source}", 0, f"cannot be read ({exc.strerror})"))
            continue
        jobs[entry_key(data.salt, source, kind, job.data)] = job
    entries = {key: last.entries[key] for key in jobs if key in last.entries}
    stored = store.get_many(key for key in jobs if key not in entries)
    for key, value in stored.items():
        entry = decode_entry(value)
        if entry is not None:
            entries[key] = entry
    fresh = [key for key in jobs if key not in entries]
    with timed(f"markdown ({len(fresh)} of {len(jobs)} sources)"):
        results = render_sources([jobs[k] for k in fresh], data.terms, data.sources, config, options.jobs)
        for key, result in zip(fresh, results, strict=True):
            problems += result.problems
            if result.entry is not None:
                entries[key] = result.entry
    store.put_many({key: encode_entry(entries[key]) for key in fresh if key in entries})
    if fresh:
        store.keep_only(jobs)
    by_path = {entry.page.project_path: (key, entry) for key, entry in entries.items()}
    ordered = sorted(by_path.items())
    return {path: entry for path, (_, entry) in ordered}, {path: key for path, (key, _) in ordered}, problems


# -- 2. index and check ------------------------------------------------------------------
def index(config: Config, options: Options, data: Data, entries: Iterable[SourceEntry]) -> Site:
    """The Site of the published pages (drafts only with --drafts)."""
    every = list(entries)
    published = [e for e in every if options.drafts or not e.page.draft]
    drafts = frozenset(e.page.project_path for e in every if e.page.draft and not options.drafts)
    rendered = {e.page.project_path: e.rendered for e in published}
    urls = Urls(config.base_path, config.origin)
    return Site([e.page for e in published], rendered, data.sources, data.terms, urls, data.assets, drafts)


def check(site: Site, config: Config, options: Options, entries: Iterable[SourceEntry]) -> list[Problem]:
    """Each published page's own problems, then every check that needs the whole site."""
    problems = [p for e in entries if e.page.project_path in site.by_source for p in e.problems]
    problems += find_collisions(site.pages)
    for page in site.pages:
        problems += page_site_problems(site, page, config)
    return problems + check_orders(site) + review_problems(site.articles, config, options.today)


def find_collisions(pages: list[Page]) -> list[Problem]:
    """Two sources may not write the same output path, even differing only in letter case."""
    seen: dict[str, Page] = {}
    problems = []
    for page in pages:
        key = page.output_path.lower()
        if key in seen:
            message = f"writes {page.output_path}, as {seen[key].project_path} does; give one of them another slug"
            problems.append(Problem(page.project_path, page.line_of("slug"), message))
        else:
            seen[key] = page
    return problems


# -- 3. render ---------------------------------------------------------------------------
def render(
    config: Config,
    options: Options,
    site: Site,
    data: Data,
    keys: Mapping[str, str],
    entries: Mapping[str, SourceEntry],
    last: Last,
) -> tuple[dict[str, bytes], dict[str, str], tuple[str, jinja2.Environment] | None]:
    """Every output file, but those whose render key is that of what ``last`` says is already there."""
    digest = templates_digest(config.templates_dir)
    signature = site_signature(config, options, site, data, digest, entries)
    render_keys = {p.output_path: _hash(signature, keys[p.project_path]) for p in site.pages}
    render_keys |= {path: _hash(signature, path) for path in GENERATED}  # made from the whole site
    kept = frozenset(path for path, key in render_keys.items() if last.keys.get(path) == key)
    files = {path: last.files[path] for path in kept if path in last.files}
    stale = [page for page in site.pages if page.output_path not in kept]
    templates = last.templates if last.templates and last.templates[0] == digest else None
    if stale or not kept.issuperset(GENERATED):
        log.debug("%d of %d pages rendered again", len(stale), len(site.pages))
        templates = templates or (digest, make_environment(config.templates_dir))
        files |= render_page_files(site, config, templates[1], stale)
        files |= render_generated(site, config, templates[1], skip=kept)
    files |= data.static
    files |= publication_files(site, config)
    return dict(sorted(files.items())), render_keys, templates


def search_bundle(files: Mapping[str, bytes], store: Store) -> dict[str, bytes]:
    """Pagefind's bundle for the HTML pages in ``files``; from the store when the pages are
    byte for byte those it was made from (Pagefind takes seconds, and orders its filter
    files differently on each run)."""
    pages = {path: data for path, data in files.items() if path.endswith(".html")}
    key = _hash("pagefind", PAGEFIND_VERSION, *(f"{path}\0{_digest(data)}" for path, data in sorted(pages.items())))
    stored = store.get(key)
    bundle = decode_bundle(stored) if stored is not None else None
    if bundle is None:
        bundle = search_files(pages)
        store.put_many({key: encode_bundle(bundle)})
    return bundle


def site_signature(
    config: Config, options: Options, site: Site, data: Data, templates: str, entries: Mapping[str, SourceEntry]
) -> str:
    """A hash of everything a page's HTML may show besides its own source: the engine, the
    settings, templates, static files, data files and what every page shows of itself elsewhere."""
    state = (engine_fingerprint(), _settings(config), options.drafts, sorted(site.assets.items()), templates, data.salt)
    shown = "".join(entries[page.project_path].shown for page in site.pages)
    return _hash(repr(state), shown)


def _settings(config: Config) -> list[tuple[str, Any]]:
    return sorted((k, v) for k, v in asdict(config).items() if not isinstance(v, Path))  # not where the project is


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)

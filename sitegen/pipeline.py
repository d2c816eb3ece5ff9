"""The build, in its phases: load -> resolve and check -> render -> write.

1. Load: read site.yaml, the bibliography, the glossary and every source; parse, render and
   check each source on its own (reusing the cache for sources whose bytes did not change).
2. Resolve and check: index every page (Site), then check what needs them all (links).
3. Render templates for the pages whose inputs changed, and write only what changed.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from .assets import collect_assets
from .bibliography import Source, load_bibliography
from .cache import BuildCache, MissingBodyError, SourceEntry, engine_fingerprint, entry_key, source_salt
from .check import check_orders, page_site_problems
from .config import Config
from .content import Page, discover
from .errors import Problem, SiteError
from .glossary import Term, load_glossary
from .markdown import Rendered
from .outputs import GENERATED, render_generated
from .publish import publication_files
from .review import review_problems
from .search import StaleCopyError, Terms, read_back, update_index
from .site import Site
from .templates import environment, templates_digest
from .urls import Urls
from .workers import POOL_THRESHOLD, SourceJob, process_sources, render_site_pages
from .writer import Staging, check_output_dir

log = logging.getLogger("sitegen")
SEARCH_STATE = "search"  # the cache's record of the last search index (search.update_index)
SITE_STATE = "site"  # and of the last site index's links and checks (_index_and_check)
_V = TypeVar("_V")


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """Log how long a phase took (shown with --debug), to see where a build's time goes."""
    started = time.perf_counter()
    yield
    log.debug("%s: %.0f ms", phase, (time.perf_counter() - started) * 1000)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run without Python's cyclic garbage collector, then freeze what was made.

    A build makes a few objects per page and keeps them until it ends. Each full collection
    walks every live object, so with the collector on, loading 20,000 cached pages took
    2.0 s instead of 1.0 s, and each later full collection (one came inside whatever
    happened to allocate next) cost another 0.3-0.5 s. Paused where a build makes objects it
    keeps (cache load, site index, checks, search index), not while rendering, which makes
    short-lived garbage; at the end what exists is moved out of the collector's sight
    (gc.freeze), which also spares forked template workers from copying every page of
    memory their collections would touch. The objects are still freed by reference counting;
    the dev server unfreezes and collects once it is idle (serve.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    strict: bool = False
    jobs: int = 0  # worker processes for Markdown; 0: one per CPU
    search: bool = True  # write the search index (search/data/)
    today: dt.date | None = None  # for overdue reviews (review.py); None: not checked


@dataclass(frozen=True, slots=True)
class Loaded:
    """Phases 1-2: the site, every problem found, and each source's cache key."""

    site: Site
    problems: list[Problem]
    keys: dict[str, str]  # project path -> cache key of its source entry
    entries: dict[str, SourceEntry]  # project path -> entry, for published pages
    salt: str  # source_salt(): the engine, bibliography, glossary and content rules
    config: Config | None = None
    page_checks: dict[str, list[Problem]] = field(default_factory=dict)  # check.page_site_problems of each page
    static: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes of each file of static/


@dataclass(frozen=True, slots=True)
class Result:
    """A successful build: the site, the files rendered and kept, warnings."""

    site: Site
    files: dict[str, bytes]
    warnings: tuple[Problem, ...]
    keys: dict[str, str] = field(default_factory=dict)  # output path -> render key
    kept: dict[str, str] = field(default_factory=dict)  # output path -> hash, reused from the last build
    count: int = 0  # files rendered (pages passed to a sink are not in ``files``)
    loaded: Loaded | None = None  # for the next build's load_site(previous=...)


# -- phase 1: sources ------------------------------------------------------------------
def load_sources(
    config: Config, sources: dict[str, Source], terms: tuple[Term, ...], cache: BuildCache, jobs: int, salt: str
) -> tuple[list[SourceEntry], dict[str, str], list[Problem]]:
    """Every source as a SourceEntry (from the cache when its bytes are unchanged), keys, problems."""
    listing = cache.listing or {}
    found, problems = discover(config.content_dir, cache.listing)
    entries: list[SourceEntry] = []
    keys: dict[str, str] = {}
    fresh: list[tuple[SourceJob, str]] = []
    with gc_paused():
        for source, kind, path in found:
            digest, data = cache.file_digest(path, listing.get(source))
            key = entry_key(salt, source, kind, digest)
            cached = cache.get(key)
            if cached is not None:
                entries.append(cached)
                keys[cached.page.project_path] = key
            else:
                fresh.append((SourceJob(source, kind, data if data is not None else Path(path).read_bytes()), key))
    with timed(f"markdown ({len(fresh)} pages)"):
        results = process_sources([job for job, _ in fresh], terms, sources, config, jobs)
    for (_, key), result in zip(fresh, results, strict=True):
        problems += result.problems
        if result.entry is not None:
            cache.put(key, result.entry)
            entries.append(result.entry)
            keys[result.entry.page.project_path] = key
    log.debug("%d sources: %d from the cache, %d rendered", len(entries), len(entries) - len(fresh), len(fresh))
    return entries, keys, problems


def load_site(
    config: Config, options: Options, cache: BuildCache | None = None, previous: Loaded | None = None
) -> Loaded:
    """Phases 1-2: read, render and check everything in memory. Writes nothing (but the cache).

    ``previous``: the last load of the same project (the dev server keeps it), reused when only
    what other pages do not show has changed (see unchanged_outside).
    """
    cache = cache if cache is not None else BuildCache()
    bibliography = _unless_unchanged(BIBLIOGRAPHY, config.bibliography, _shown(config, config.bibliography), cache)
    sources, problems = dict(bibliography[0]), list(bibliography[1])
    glossary = _unless_unchanged(GLOSSARY, config.glossary, _shown(config, config.glossary), cache)
    terms, term_problems = glossary[0], list(glossary[1])
    problems += term_problems
    with timed("sources"):
        salt = source_salt(config, sources, terms)
        entries, keys, source_problems = load_sources(config, sources, terms, cache, options.jobs, salt)
    problems += source_problems
    with gc_paused():
        return _index_and_check(config, options, cache, previous, salt, entries, keys, problems, sources, terms)


def _index_and_check(
    config: Config,
    options: Options,
    cache: BuildCache,
    previous: Loaded | None,
    salt: str,
    entries: list[SourceEntry],
    keys: dict[str, str],
    problems: list[Problem],
    sources: dict[str, Source],
    terms: tuple[Term, ...],
) -> Loaded:
    """Phase 2 of load_site: save the cache, index the pages and run the site checks."""
    with timed("cache saved"):
        cache.finish()
    published = {e.page.project_path: e for e in entries if options.drafts or not e.page.draft}
    for entry in published.values():
        problems += entry.problems
    pages = [e.page for e in published.values()]
    problems += find_collisions(pages)
    manifest, static = collect_assets(config.static_dir)  # read once: the index names what is written
    drafts = frozenset(e.page.project_path for e in entries) - published.keys()
    changed = unchanged_outside(previous, config, salt, published, keys, manifest, drafts)
    if previous is not None and changed is not None:  # the dev server: swap the edited pages in
        with timed(f"site index and checks ({len(changed)} changed pages)"):
            swapped = {path: published[path].page for path in changed}
            site = previous.site.updated(swapped, Renderings(published))
            page_checks = previous.page_checks | {
                path: page_site_problems(site, site.by_source[path], config) for path in changed
            }
    else:
        site, page_checks = _index_with_cached_checks(
            config, options, cache, salt, published, keys, manifest, drafts, sources, terms
        )
    for page in site.pages:
        problems += page_checks[page.project_path]
    problems += check_orders(site)
    problems += review_problems(site.articles, config, options.today)
    return Loaded(site, problems, keys, published, salt, config, page_checks, static)


def _index_with_cached_checks(
    config: Config,
    options: Options,
    cache: BuildCache,
    salt: str,
    published: dict[str, SourceEntry],
    keys: dict[str, str],
    assets: dict[str, str],
    drafts: frozenset[str],
    sources: dict[str, Source],
    terms: tuple[Term, ...],
) -> tuple[Site, dict[str, list[Problem]]]:
    """The site index and each page's site checks, reusing what the last build of this project
    kept in the cache (its links between pages and each page's checks) while nothing they
    depend on but the pages' own sources has changed (structure_key)."""
    structure = structure_key(config, options, salt, assets, drafts, published)
    last = cache.read_state(SITE_STATE) or {}
    reuse = last.get("structure") == structure
    with timed("site index" + (" (links between pages from the cache)" if reuse else "")):
        urls = Urls(config.base_path, config.origin)
        edges = last["edges"] if reuse else None
        pages = [e.page for e in published.values()]
        site = Site(pages, Renderings(published), sources, terms, urls, assets, drafts, edges=edges)
    with timed("site checks"):
        page_checks, checked = {}, 0
        kept = last.get("checks", {}) if reuse else {}
        for page in site.pages:
            path = page.project_path
            if path in kept and kept[path][0] == keys[path]:  # the same source, checked against the same site
                page_checks[path] = [Problem(*values) for values in kept[path][1]]
            else:
                page_checks[path] = page_site_problems(site, page, config)
                checked += 1
        log.debug("site checks of %d of %d pages run again", checked, len(site.pages))
    if checked or not reuse:
        found = {path: (keys[path], [astuple(p) for p in found]) for path, found in page_checks.items()}
        cache.write_state(SITE_STATE, {"structure": structure, "edges": site.edges, "checks": found})
    return site, page_checks


class Renderings(Mapping[str, Rendered]):
    """Each published page's rendering by project path, decoded from the cache when first
    asked for (see SourceEntry): the site index hands it to the pages that need it."""

    def __init__(self, entries: Mapping[str, SourceEntry]) -> None:
        self._entries = entries

    def __getitem__(self, path: str) -> Rendered:
        return self._entries[path].rendered

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def structure_key(
    config: Config,
    options: Options,
    salt: str,
    assets: dict[str, str],
    drafts: frozenset[str],
    entries: Mapping[str, SourceEntry],
) -> str:
    """A hash of everything the links between pages and each page's site checks depend on,
    but the page's own source: the settings, content rules, static files, which pages are
    drafts, and every page's path and indexed_elsewhere()."""
    state = (sorted(_settings(config).items()), options.drafts, salt, sorted(assets.items()), sorted(drafts))
    digest = hashlib.sha256(repr(state).encode())
    digest.update("".join(f"\0{path}\0{entries[path].indexed}" for path in sorted(entries)).encode())
    return digest.hexdigest()


def _settings(config: Config) -> dict[str, Any]:
    return {k: v for k, v in asdict(config).items() if not isinstance(v, Path)}  # not where the project is


def unchanged_outside(
    previous: Loaded | None,
    config: Config,
    salt: str,
    entries: dict[str, SourceEntry],
    keys: dict[str, str],
    assets: dict[str, str],
    drafts: frozenset[str],
) -> list[str] | None:
    """The pages changed since ``previous`` if nothing other pages show of them changed, else None.

    True when site.yaml, the bibliography, glossary, static files and the set of pages are as
    they were and each changed page kept its front matter, link targets, citations, terms
    (SourceEntry.shown) and ids: typically an edit of an article's text in the dev server.
    Then the last site index is reused with the new pages swapped in, and only their own
    links are checked again; anything else rebuilds the index and checks every page.
    """
    if previous is None or previous.config != config or previous.salt != salt:
        return None
    site = previous.site
    if site.assets != assets or site.drafts != drafts or previous.entries.keys() != entries.keys():
        return None
    changed = [path for path, entry in entries.items() if previous.keys[path] != keys[path]]
    if any(previous.entries[path].indexed != entries[path].indexed for path in changed):
        return None
    return changed


_last_read: dict[tuple[str, Path], tuple[bytes, Any]] = {}


@dataclass(frozen=True)  # not slots: Python 3.11 cannot then make one through DataFile[...](...)
class DataFile(Generic[_V]):
    """How to read one of the project's data files, and to keep what was read in the cache."""

    load: Callable[[Path, str], tuple[_V, list[Problem]]]  # (path, name shown in problems) -> values, problems
    kind: type  # of each value
    collect: Callable[[list[Any]], _V]  # the values as ``load`` returns them
    each: Callable[[_V], Iterable[Any]]  # and back


BIBLIOGRAPHY = DataFile[dict[str, Source]](
    load_bibliography, Source, lambda sources: {s.id: s for s in sources}, lambda found: found.values()
)
GLOSSARY = DataFile[tuple[Term, ...]](load_glossary, Term, tuple, lambda found: found)


def _unless_unchanged(data_file: DataFile[_V], path: Path, shown: str, cache: BuildCache) -> tuple[_V, list[Problem]]:
    """``data_file.load(path, shown)``, or its last result while the file's bytes are the same,
    kept in memory (the dev server) and in the cache's state, which saves a command the 10-17 ms
    that reading references.yaml with its line numbers takes."""
    try:
        data = path.read_bytes()
    except OSError:
        return data_file.load(path, shown)
    key = (data_file.load.__name__, path)
    last = _last_read.get(key)
    if last is None or last[0] != data:
        last = _last_read[key] = (data, _load_cached(data_file, path, shown, cache, data))
    return cast(tuple[_V, list[Problem]], last[1])


def _load_cached(
    data_file: DataFile[_V], path: Path, shown: str, cache: BuildCache, data: bytes
) -> tuple[_V, list[Problem]]:
    name = data_file.load.__name__
    digest = hashlib.sha256(f"{engine_fingerprint()}\0{shown}\0".encode() + data).hexdigest()
    state = cache.read_state(name)
    if state is not None and state.get("digest") == digest:
        try:
            values = [data_file.kind(*fields) for fields in state["values"]]
            return data_file.collect(values), [Problem(*fields) for fields in state["problems"]]
        except (KeyError, TypeError, ValueError) as exc:  # not what was written: read the file again
            log.info("cached %s ignored (%s)", shown, exc)
    found, problems = data_file.load(path, shown)
    values = [astuple(value) for value in data_file.each(found)]
    cache.write_state(name, {"digest": digest, "values": values, "problems": [astuple(p) for p in problems]})
    return found, problems


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
            message = f"writes {page.output_path}, as {seen[key].project_path} does; give one of them another slug"
            problems.append(
                Problem(page.project_path, page.line_of("slug") if "slug" in page.key_lines else 1, message)
            )
        else:
            seen[key] = page
    return problems


# -- phase 3: render and write ------------------------------------------------------------
def site_signature(config: Config, loaded: Loaded, options: Options, templates: str) -> str:
    """A hash of everything any page's HTML may show besides its own source.

    Templates, site.yaml, static files, the bibliography and glossary, and each page's
    shown_elsewhere() (front matter, links, citations, terms), in order: if this is unchanged,
    a page whose own source is unchanged renders to the same bytes as last time.
    """
    site = loaded.site
    state = (engine_fingerprint(), sorted(_settings(config).items()), options.drafts, sorted(site.assets.items()))
    digest = hashlib.sha256(repr(state).encode())
    digest.update(templates.encode())  # templates_digest()
    digest.update(loaded.salt.encode())  # the engine, bibliography and glossary
    digest.update("".join(loaded.entries[page.project_path].shown for page in site.pages).encode())
    return digest.hexdigest()


def build(
    config: Config,
    options: Options,
    cache: BuildCache | None = None,
    previous: dict[str, str] | None = None,
    sink: Staging | None = None,
    last: Loaded | None = None,
) -> Result:
    """Load, check and render the whole site; raise SiteError with every problem.

    ``previous`` (output path -> render key of the last build that is still on disk) lets
    pages whose inputs are unchanged be kept instead of rendered again. ``sink``: where the
    pages are written as they are rendered, by whichever process renders them (they are then
    not kept in ``files``). ``last``:
    the Loaded of the last build of this project, see load_site.
    """
    try:
        return _build(config, options, cache, previous, sink, last)
    except MissingBodyError as exc:  # the cache changed or was damaged under this build: do without it
        assert cache is not None  # only an entry read from a cache has a body to miss
        log.info("cache entry %s incomplete: building again without the cache", str(exc)[:12])
        cache.forget()
        return _build(config, options, cache, previous, sink, None)


def _build(
    config: Config,
    options: Options,
    cache: BuildCache | None,
    previous: dict[str, str] | None,
    sink: Staging | None,
    last: Loaded | None,
) -> Result:
    loaded = load_site(config, options, cache, last)
    if any(p.is_error or options.strict for p in loaded.problems):
        raise SiteError(loaded.problems)
    site = loaded.site
    with timed("signature"):
        templates = templates_digest(config.templates_dir)
        signature = site_signature(config, loaded, options, templates)
    inputs = {p.output_path: loaded.keys[p.project_path] for p in site.pages} | {path: path for path in GENERATED}
    keys = {path: hashlib.sha256(f"{signature}\0{key}".encode()).hexdigest() for path, key in inputs.items()}
    previous = previous or {}
    skip = frozenset(path for path, key in keys.items() if previous.get(path) == key)
    with timed(f"templates ({len(inputs) - len(skip)} pages)"):
        paths = [page.output_path for page in site.pages if page.output_path not in skip]
        compiled = cache.folder / "templates" if cache and cache.folder and cache.writable else None
        env = environment(config.templates_dir, templates, compiled)
        if cache is not None and len(paths) >= POOL_THRESHOLD:  # read before forking (see load_bodies)
            cache.load_bodies([loaded.keys[site.by_output[path].project_path] for path in paths])
        files: dict[str, bytes] = {}

        def meanwhile() -> None:  # this process's other work, done while forked workers render pages
            files.update(render_generated(site, config, env, skip))
            files.update(loaded.static)
            files.update(publication_files(site, config))

        streamed = 0
        if sink is not None:
            for written in render_site_pages(site, config, env, paths, options.jobs, sink.write, meanwhile):
                sink.record(written)
                streamed += len(written.hashes)
        else:
            for batch in render_site_pages(site, config, env, paths, options.jobs, _as_they_are, meanwhile):
                files |= batch
    if options.search:  # after the workers have gone: made beside them, its memory added to theirs
        with timed("search index"), gc_paused():  # (20,000 pages: 1,073 MB PSS at the peak, not 964)
            keys |= _search_index(loaded, cache, previous, files)
    return Result(site, files, tuple(loaded.problems), keys, count=streamed + len(files), loaded=loaded)


def _as_they_are(files: dict[str, bytes]) -> dict[str, bytes]:
    return files


def _search_index(
    loaded: Loaded, cache: BuildCache | None, previous: dict[str, str], files: dict[str, bytes]
) -> dict[str, str]:
    """Add to ``files`` the search index files that differ from the last build's; return the
    key (sha256) of every index file. The cache keeps a copy of the last index and what it
    was made from (search.update_index)."""
    cache = cache if cache is not None else BuildCache()
    last = cache.read_state(SEARCH_STATE)

    def terms(path: str) -> Terms:
        return loaded.entries[path].search

    def read(name: str) -> bytes | None:
        return cache.read_file(SEARCH_STATE, name)

    try:
        changed, state = update_index(last, loaded.site, loaded.keys, terms, cache.dropped, read)
        keys: dict[str, str] = state["digests"]
        for name, key in keys.items():
            if name not in changed and previous.get(name) != key:  # not on disk as it should be
                changed[name] = read_back(name, key, read)
    except (KeyError, TypeError, ValueError, StaleCopyError) as exc:  # a state or copy not as written: start afresh
        log.info("search index rebuilt whole (%s: %s)", type(exc).__name__, exc)
        changed, state = update_index(None, loaded.site, loaded.keys, terms, {}, read)
        keys = state["digests"]
        last = None
    if changed or state != last:  # a page edited without changing its words still has a new entry key
        gone = [name for name in (last or {}).get("digests", {}) if name not in keys]
        cache.write_files(SEARCH_STATE, changed, gone, whole=last is None)
        cache.write_state(SEARCH_STATE, state)
    files.update(changed)
    log.debug("search index: %d of %d files changed", len(changed), len(keys))
    return dict(keys)


def build_to(
    config: Config, options: Options, out: Path, cache: BuildCache | None = None, last: Loaded | None = None
) -> Result:
    """Build and write to ``out``; the previous output is untouched unless the build succeeds."""
    check_output_dir(out, config.root)
    staging = Staging(out)
    try:
        manifest = staging.previous
        folder = str(out)
        reusable = {p: k for p, k in manifest.keys.items() if p in manifest.files and os.path.isfile(f"{folder}/{p}")}
        result = build(config, options, cache, reusable, sink=staging, last=last)
        with timed("written"):
            staging.add(result.files)
            kept = {
                p: manifest.files[p] for p, k in result.keys.items() if p not in staging.hashes and reusable.get(p) == k
            }
            written = staging.commit(result.keys, kept)
    finally:
        staging.close()
    log.info("%d of %d files changed in %s", len(written), len(staging.hashes) + len(kept), out)
    return Result(result.site, result.files, result.warnings, result.keys, kept, result.count, result.loaded)

"""What a build can reuse from the last one.

Each source is cached as a SourceEntry (its parsed front matter, its rendered Markdown, its
problems and its words for the search index) under a key that hashes the source's bytes
together with everything else its entry depends on: the engine and Markdown versions and configuration,
the glossary, the bibliography and the content rules of site.yaml. Entries live in memory
(the dev server keeps them between rebuilds) and, for builds, in files under .cache/, each
protected by a checksum: a file that is truncated, corrupt or from another version is
ignored and what it held is rendered again. Entries not used by a build are dropped.

The files hold plain tuples, dicts and strings written with ``marshal`` (see encode_head):
loading 4,000 entries takes a third of the time pickle took, which made every object
through a class's reconstructor, and unlike pickle, reading a tampered file cannot run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import marshal
import os
import shutil
import time
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import markdown as markdown_package

from . import __version__
from .bibliography import Source
from .config import Config
from .content import FileState, Page, file_state
from .errors import Problem
from .glossary import Term
from .markdown import EXTENSION_CONFIG, EXTENSIONS, Link, Rendered
from .search import Terms

log = logging.getLogger("sitegen")
FORMAT = 10
SHARDS = "0123456789abcdef"  # heads, sources-<c>.marshal: by the first character of the key (hex)
BODY_SHARDS = [a + b for a in SHARDS for b in SHARDS]  # bodies, bodies-<cc>.marshal: its first two
DIGESTS_FILE = "files.marshal"
DROPPED_KEPT = 64  # finish() keeps the search terms of this many dropped entries at most


class SourceEntry:
    """What one source becomes: its page, rendering, problems, search words and two hashes.

    An entry read from the cache has its head only (page, problems, hashes: what every build
    uses of every page); its body (rendering and search words) is read from the cache, and the
    rendering decoded, only when something asks for it: a build that changed one page of
    thousands needs the bodies of a handful, and reading and decoding them all was most of the
    time it took to load the cache.
    """

    __slots__ = ("_load", "_packed", "_rendered", "_search", "indexed", "page", "problems", "shown")

    def __init__(
        self,
        page: Page,
        rendered: Rendered | None,
        problems: tuple[Problem, ...],  # from reading the source and the local checks
        search: Terms = ("", b""),  # its words for the search index
        shown: str = "",  # shown_elsewhere() of the page
        indexed: str = "",  # indexed_elsewhere() of the page
        packed: bytes | None = None,  # the rendering as pack_rendered() wrote it, when ``rendered`` is None
        load: Callable[[], tuple[bytes, Terms]] | None = None,  # (packed, search), when neither is given yet
    ) -> None:
        self.page, self.problems, self.shown, self.indexed = page, problems, shown, indexed
        self._rendered, self._packed, self._search, self._load = rendered, packed, search, load

    def _body(self) -> None:
        if self._load is not None:
            self._packed, self._search = self._load()  # may raise MissingBodyError
            self._load = None

    @property
    def rendered(self) -> Rendered:
        if self._rendered is None:
            self._body()
            assert self._packed is not None
            self._rendered = unpack_rendered(self._packed)
        return self._rendered

    @property
    def search(self) -> Terms:
        self._body()
        return self._search

    @property
    def has_body(self) -> bool:
        """Whether the body is in memory (else it is still in the cache's files)."""
        return self._load is None

    def packed(self) -> bytes:
        return self._packed if self._packed is not None else pack_rendered(self.rendered)

    def _values(self) -> tuple[Any, ...]:
        return self.page, self.rendered, self.problems, self.search, self.shown, self.indexed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SourceEntry) and self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[Any, ...]:  # to and from worker processes, always decoded
        return self._values()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.__init__(*state)  # type: ignore[misc]


class MissingBodyError(Exception):
    """The body of an entry whose head was read is not in the cache's files (they were damaged,
    or changed by another build since): pipeline.build builds again without the cache."""


# -- entries as plain data, for marshal -------------------------------------------------------
PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Page))
RENDERED_FIELDS = tuple(f.name for f in dataclasses.fields(Rendered))
LINK_FIELDS = tuple(f.name for f in dataclasses.fields(Link))
PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))
LINKS_AT = RENDERED_FIELDS.index("links")
# In every file's header: a file written for other fields is not read.
LAYOUT = repr((FORMAT, marshal.version, PAGE_FIELDS, RENDERED_FIELDS, LINK_FIELDS, PROBLEM_FIELDS))


DATE_FIELDS = ("reviewed", "next_review")  # Page's dates, kept as ordinals (marshal has no dates)


def _ordinal(value: Any) -> int | None:
    return value.toordinal() if value is not None else None


def encode_head(entry: SourceEntry) -> tuple[Any, ...]:
    page = tuple(
        _ordinal(getattr(entry.page, name)) if name in DATE_FIELDS else getattr(entry.page, name)
        for name in PAGE_FIELDS
    )
    problems = tuple(tuple(getattr(p, name) for name in PROBLEM_FIELDS) for p in entry.problems)
    return page, problems, entry.shown, entry.indexed


def encode_body(entry: SourceEntry) -> tuple[bytes, Terms]:
    return entry.packed(), entry.search


def decode_entry(head: tuple[Any, ...], load: Callable[[], tuple[bytes, Terms]]) -> SourceEntry:
    """The SourceEntry encode_head() made ``head`` of, whose body ``load`` returns when asked
    (see SourceEntry). The objects are frozen dataclasses filled in directly, without their
    __init__: these are values that passed it once."""
    page_values, problems, shown, indexed = head
    if len(page_values) != len(PAGE_FIELDS):
        raise ValueError(f"{len(page_values)} page fields, not {len(PAGE_FIELDS)}")
    page = object.__new__(Page)
    fields = page.__dict__
    fields.update(zip(PAGE_FIELDS, page_values, strict=False))  # lengths compared above
    for name in DATE_FIELDS:
        if fields[name] is not None:
            fields[name] = dt.date.fromordinal(fields[name])
    problems = tuple([Problem(*values) for values in problems]) if problems else ()
    return SourceEntry(page, None, problems, ("", b""), shown, indexed, None, load)


def pack_rendered(rendered: Rendered) -> bytes:
    links = tuple(tuple(getattr(link, name) for name in LINK_FIELDS) for link in rendered.links)
    return marshal.dumps(tuple(links if name == "links" else getattr(rendered, name) for name in RENDERED_FIELDS))


def unpack_rendered(packed: bytes) -> Rendered:
    values = marshal.loads(packed)
    rendered = object.__new__(Rendered)
    rendered.__dict__.update(zip(RENDERED_FIELDS, values, strict=True))
    rendered.__dict__["links"] = tuple(_link(link) for link in values[LINKS_AT])
    return rendered


def _link(values: tuple[Any, ...]) -> Link:
    link = object.__new__(Link)
    link.__dict__.update(zip(LINK_FIELDS, values, strict=True))
    return link


def indexed_elsewhere(shown: str, rendered: Rendered) -> str:
    """A hash of what the site index and other pages' checks use of this page: what it shows
    elsewhere (shown_elsewhere) and the ids its links may point at."""
    return hashlib.sha256(f"{shown}\0{sorted(rendered.ids)!r}".encode()).hexdigest()


def shown_elsewhere(page: Page, rendered: Rendered) -> str:
    """A hash of what other pages may show of this one: front matter, citations, glossary
    terms and the pages it links to (backlinks, lists, related pages, the home diagram)."""
    meta = (page.source, page.slug, page.kind, page.title, page.summary, page.draft, page.tags, page.order)
    more = (page.related, page.evidence, page.evidence_reason, page.key_points, page.reviewed)
    mapped = (page.studied, page.studied_in)  # the home page's evidence map (diagram.py)
    links = tuple(link.target for link in rendered.links if link.kind == "page")
    return hashlib.sha256(repr((meta, more, mapped, rendered.citations, rendered.terms, links)).encode()).hexdigest()


@functools.cache
def engine_fingerprint() -> str:
    """A hash of the engine's own code and overlay, so a changed engine never reuses old results."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.[pc][ys]*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def source_salt(config: Config, sources: Mapping[str, Source], terms: tuple[Term, ...]) -> str:
    """A hash of every input, other than the source itself, that its entry depends on."""
    rules = (config.required_sections, config.min_citations, config.background_section, config.bibliography.name)
    parts = [
        engine_fingerprint(),
        str(FORMAT),
        markdown_package.__version__,
        repr(EXTENSIONS),
        repr(EXTENSION_CONFIG),
        repr(terms),
        repr(sorted(sources.items())),
        repr(rules),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def entry_key(salt: str, source: str, kind: str, digest: str) -> str:
    """The cache key of a source whose bytes hash to ``digest`` (see BuildCache.file_digest)."""
    return hashlib.sha256(f"{salt}\0{source}\0{kind}\0{digest}".encode()).hexdigest()


TRUST_AFTER_NS = 2_000_000_000


class BuildCache:
    """Source entries by key, and the digest of each source file: in memory, and on disk when
    ``folder`` is given. On disk each entry is a head (encode_head) in one of 16 files by the
    first character of its key (sources-<c>.marshal) and a body (encode_body) in one of 256 by
    the first two (bodies-<cc>.marshal): every build reads the heads, ~1 KB an entry, and only
    the bodies it needs, ~12 KB each, and one that changes a page rewrites a few small files,
    not the whole cache; digests in files.marshal. A head is decoded only when a build asks
    for its entry."""

    def __init__(self, folder: Path | None = None, *, writable: bool = True) -> None:
        self.folder = folder
        self.writable = writable
        self._encoded: dict[str, tuple[Any, ...]] | None = None  # key -> encode_head(), read and not yet asked for
        self._decoded: dict[str, SourceEntry] = {}  # the others: never both, which at 20,000 pages cost 200 MB
        self._digests: dict[str, tuple[FileState, str]] | None = None
        self.next_digests: dict[str, tuple[FileState, str]] = {}
        self.used: set[str] = set()
        self._bodies: dict[str, dict[str, Any]] = {}  # body shard -> key -> encode_body(), as read or written
        self.dirty: set[str] = set()  # head shards (first characters of keys) changed by this build
        self.dirty_bodies: set[str] = set()  # body shards (first two characters) changed by this build
        # The files under content/ and their states, if the caller has just listed them (the
        # dev server's snapshot): the next build uses them instead of listing and stat()ing again.
        self.listing: dict[str, FileState] | None = None
        self._states: dict[str, dict[str, Any] | None] = {}  # read_state(), write_state()
        self._files: dict[tuple[str, str], bytes] = {}  # write_files() without a folder
        # The search terms of the entries the last finish() dropped (a few, from pages just
        # edited), by key: the search index removes them from its files (search.update_index).
        self.dropped: dict[str, Terms] = {}

    @property
    def encoded(self) -> dict[str, tuple[Any, ...]]:
        if self._encoded is None:
            self._encoded = {}
            for shard in SHARDS:
                loaded = self._read(f"sources-{shard}.marshal")
                if loaded is None:
                    self.dirty.add(shard)  # damaged: rewrite it with what this build puts there
                    self.dirty_bodies |= {shard + c for c in SHARDS}  # and drop the bodies of what it held
                    continue
                self._encoded.update((k, v) for k, v in loaded.items() if isinstance(v, tuple) and k[:1] == shard)
        return self._encoded

    @property
    def digests(self) -> dict[str, tuple[FileState, str]]:
        if self._digests is None:
            self._digests = self._read(DIGESTS_FILE) or {}
        return self._digests

    def file_digest(self, path: str, state: FileState | None = None) -> tuple[str, bytes | None]:
        """The sha256 of a file's bytes, and the bytes if they had to be read.

        As git does with its index, a digest recorded earlier is trusted while the file's
        modification and change times, size and inode are all as they were, so a build that
        changes one file of thousands reads one file. A file changed within the last
        TRUST_AFTER_NS when it was hashed is not recorded, so a second save within the
        resolution of the file system's clock is never missed. ``state``: the file's state if
        the caller has just taken it.
        """
        state = state or file_state(os.stat(path))
        name = path
        known = self.digests.get(name)
        if known is not None and known[0] == state:
            self.next_digests[name] = known
            return known[1], None
        with open(path, "rb") as file:
            data = file.read()
        digest = hashlib.sha256(data).hexdigest()
        if time.time_ns() - max(state[0], state[1]) > TRUST_AFTER_NS:
            self.next_digests[name] = (state, digest)
        return digest, data

    def get(self, key: str) -> SourceEntry | None:
        entry = self._decoded.get(key)
        if entry is None:
            head = self.encoded.pop(key, None)
            if head is None:
                return None
            try:
                entry = self._decoded[key] = decode_entry(head, functools.partial(self.body, key))
            except (TypeError, ValueError) as exc:  # not what encode_head() writes: render it again
                log.info("cache entry %s unreadable (%s): ignored", key[:12], exc)
                self.dirty.add(key[:1])
                return None
        self.used.add(key)
        return entry

    def put(self, key: str, entry: SourceEntry) -> None:
        self._decoded[key] = entry
        self.encoded.pop(key, None)
        self.used.add(key)
        self.dirty.add(key[:1])
        self.dirty_bodies.add(key[:2])

    def body(self, key: str) -> tuple[bytes, Terms]:
        """The body of the entry ``key`` from its file; MissingBodyError if it is not there as written."""
        found = self._body_shard(key[:2]).get(key)
        if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], bytes)):
            raise MissingBodyError(key)
        terms = found[1]
        if not (isinstance(terms, tuple) and len(terms) == 2 and isinstance(terms[0], str)):
            raise MissingBodyError(key)
        return found

    def load_bodies(self, keys: list[str]) -> None:
        """Read the files holding these entries' bodies now: before forking workers that need
        them, so that they share one copy instead of each reading its own."""
        for prefix in sorted({key[:2] for key in keys}):
            self._body_shard(prefix)

    def _body_shard(self, prefix: str) -> dict[str, Any]:
        shard = self._bodies.get(prefix)
        if shard is None:
            loaded = self._read(f"bodies-{prefix}.marshal")
            if loaded is None:
                self.dirty_bodies.add(prefix)  # damaged: rewrite it with what is known
            shard = self._bodies[prefix] = loaded or {}
        return shard

    def forget(self) -> None:
        """Drop every entry, in memory and (at the next finish) on disk: after a MissingBodyError."""
        self._encoded, self._decoded, self.used = {}, {}, set()
        self._bodies = {prefix: {} for prefix in BODY_SHARDS}
        self.dirty, self.dirty_bodies = set(SHARDS), set(BODY_SHARDS)

    def read_state(self, name: str) -> dict[str, Any] | None:
        """What write_state() saved under ``name`` (e.g. the search index's), or None."""
        if name not in self._states and self.folder is not None:
            self._states[name] = self._read(f"{name}.marshal") or None
        return self._states.get(name)

    def write_state(self, name: str, value: dict[str, Any]) -> None:
        self._states[name] = value
        if self.folder is not None and self.writable:
            self._write(f"{name}.marshal", value)

    def read_file(self, folder: str, name: str) -> bytes | None:
        """A file write_files() saved in ``folder`` (e.g. a copy of a search index file), or None."""
        if self.folder is None:
            return self._files.get((folder, name))
        try:
            return (self.folder / folder / name).read_bytes()
        except OSError:
            return None

    def write_files(self, folder: str, files: Mapping[str, bytes], gone: list[str], *, whole: bool = False) -> None:
        """Save ``files`` (name -> bytes) in ``folder`` and remove ``gone``; ``whole``: these
        are all of its files, any other is removed."""
        if self.folder is None:  # kept in memory
            if whole:
                self._files = {k: v for k, v in self._files.items() if k[0] != folder}
            self._files |= {(folder, name): data for name, data in files.items()}
            for name in gone:
                self._files.pop((folder, name), None)
            return
        if not self.writable:
            return
        base = self.folder / folder
        try:
            if whole:
                shutil.rmtree(base, ignore_errors=True)
            for name, data in files.items():
                path = base / name
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
                temporary.write_bytes(data)
                os.replace(temporary, path)
            for name in gone:
                (base / name).unlink(missing_ok=True)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("cannot write the cache: %s", exc)

    def finish(self) -> None:
        """Forget entries and digests this build did not use, and save what changed."""
        stale = (self.encoded.keys() | self._decoded.keys()) - self.used
        self.dropped = {}
        if len(stale) <= DROPPED_KEPT:
            for key in stale:
                with contextlib.suppress(MissingBodyError):  # then the search index is made whole
                    self.dropped[key] = self._decoded[key].search if key in self._decoded else self.body(key)[1]
        for key in stale:
            self.encoded.pop(key, None)
            self._decoded.pop(key, None)
        self.dirty |= {key[:1] for key in stale}
        self.dirty_bodies |= {key[:2] for key in stale}
        if self.folder is not None and self.writable:
            self._save()
        self.dirty.clear()
        self.dirty_bodies.clear()
        self.listing = None
        self._digests, self.next_digests = self.next_digests, {}
        self.used = set()

    def _save(self) -> None:
        """Write the changed shards: bodies first, then the heads, which name what the bodies hold."""
        if self.dirty_bodies:
            keys: dict[str, list[str]] = {}
            for key in self.encoded.keys() | self._decoded.keys():
                keys.setdefault(key[:2], []).append(key)
            lost = []  # heads whose body is neither in memory nor in its file: dropped
            for prefix in sorted(self.dirty_bodies):
                stored, bodies = self._body_shard(prefix), {}
                for key in keys.get(prefix, []):
                    entry = self._decoded.get(key)
                    if entry is not None and entry.has_body:
                        bodies[key] = encode_body(entry)
                    elif key in stored:
                        bodies[key] = stored[key]
                    else:
                        lost.append(key)
                if bodies:
                    self._write(f"bodies-{prefix}.marshal", bodies)
                else:
                    self._remove(f"bodies-{prefix}.marshal")
                # kept for the entries still to load theirs, not twice for those holding theirs
                self._bodies[prefix] = {
                    k: v for k, v in bodies.items() if k not in self._decoded or not self._decoded[k].has_body
                }
            for key in lost:
                self.encoded.pop(key, None)
                self._decoded.pop(key, None)
                self.dirty.add(key[:1])
        for shard in sorted(self.dirty):
            entries = {k: v for k, v in self.encoded.items() if k[:1] == shard}
            entries |= {k: encode_head(v) for k, v in self._decoded.items() if k[:1] == shard}
            self._write(f"sources-{shard}.marshal", entries)
        if self.next_digests != self.digests:
            self._write(DIGESTS_FILE, self.next_digests)

    def _read(self, name: str) -> dict[str, Any] | None:
        """A dict saved by _write; empty if missing, None if truncated, corrupt or of another format."""
        if self.folder is None:
            return {}
        path = self.folder / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.info("cache ignored (%s): what it held is read again", exc)
            return None
        newline = data.find(b"\n")
        checksum, payload = data[:newline], memoryview(data)[newline + 1 :]  # not a copy of tens of MB
        if newline < 0 or checksum != _checksum(payload):
            log.info("cache %s is corrupt or truncated: ignored, what it held is rendered again", path)
            return None
        try:
            loaded = marshal.loads(payload)
        except (EOFError, ValueError, TypeError) as exc:
            log.info("cache %s unreadable (%s): ignored", path, exc)
            return None
        if not isinstance(loaded, dict) or loaded.get("layout") != LAYOUT or not isinstance(loaded.get("data"), dict):
            return None
        return dict(loaded["data"])

    def _write(self, name: str, value: dict[str, Any]) -> None:
        assert self.folder is not None
        payload = marshal.dumps({"layout": LAYOUT, "data": value})
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f"{name}.{os.getpid()}.tmp"
            with temporary.open("wb") as file:  # two writes: joining them would copy up to 100 MB
                file.write(_checksum(payload) + b"\n")
                file.write(payload)
            os.replace(temporary, self.folder / name)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("cannot write the cache: %s", exc)

    def _remove(self, name: str) -> None:
        assert self.folder is not None
        try:
            (self.folder / name).unlink(missing_ok=True)
        except OSError as exc:
            log.info("cannot write the cache: %s", exc)


def _checksum(payload: bytes | memoryview) -> bytes:
    """Length and CRC-32: enough to notice a truncated or damaged file (nobody forges a cache),
    and ten times cheaper than SHA-256 on the ~70 MB cache of 4,000 pages."""
    return f"{len(payload)}:{zlib.crc32(payload):08x}".encode()

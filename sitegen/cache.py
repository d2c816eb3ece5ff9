"""What a build can reuse from the last one.

Each source is cached as a SourceEntry (its parsed front matter, its rendered Markdown, its
problems and its words for the search index) under a key that hashes the source's bytes together with
everything else its entry depends on: the engine and Markdown versions and configuration,
the glossary, the bibliography and the content rules of site.yaml. Entries live in memory
(the dev server keeps them between rebuilds) and, for builds, in one file under .cache/
protected by a checksum: a file that is truncated, corrupt or from another version is
ignored and everything is rendered again. Entries not used by a build are dropped.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import markdown as markdown_package

from . import __version__
from .bibliography import Source
from .config import Config
from .content import Page
from .errors import Problem
from .glossary import Term
from .markdown import EXTENSION_CONFIG, EXTENSIONS, Rendered
from .search import Terms

log = logging.getLogger("sitegen")
FORMAT = 3
CACHE_FILE = "sources.pickle"


@dataclass(frozen=True, slots=True)
class SourceEntry:
    page: Page
    rendered: Rendered
    problems: tuple[Problem, ...]  # from reading the source and the local checks
    search: Terms = ("", b"")  # its words for the search index


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


def entry_key(salt: str, source: str, kind: str, data: bytes) -> str:
    digest = hashlib.sha256(f"{salt}\0{source}\0{kind}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class BuildCache:
    """Source entries by key: in memory, and on disk when ``folder`` is given."""

    def __init__(self, folder: Path | None = None, *, writable: bool = True) -> None:
        self.folder = folder
        self.writable = writable
        self._entries: dict[str, SourceEntry] | None = None
        self.used: set[str] = set()
        self.added = 0

    @property
    def entries(self) -> dict[str, SourceEntry]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def get(self, key: str) -> SourceEntry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def put(self, key: str, entry: SourceEntry) -> None:
        self.entries[key] = entry
        self.used.add(key)
        self.added += 1

    def finish(self) -> None:
        """Forget entries this build did not use, and save when anything changed."""
        stale = set(self.entries) - self.used
        for key in stale:
            del self.entries[key]
        if (self.added or stale) and self.folder is not None and self.writable:
            self._write()
        self.used, self.added = set(), 0

    def _read(self) -> dict[str, SourceEntry]:
        if self.folder is None:
            return {}
        path = self.folder / CACHE_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.info("cache ignored (%s): everything is rendered again", exc)
            return {}
        checksum, _, payload = data.partition(b"\n")
        if checksum.decode("ascii", "replace") != hashlib.sha256(payload).hexdigest():
            log.info("cache %s is corrupt or truncated: ignored, everything is rendered again", path)
            return {}
        try:
            loaded = pickle.loads(payload)
        except Exception as exc:
            log.info("cache %s unreadable (%s): ignored", path, exc)
            return {}
        if (
            not isinstance(loaded, dict)
            or loaded.get("format") != FORMAT
            or not isinstance(loaded.get("entries"), dict)
        ):
            return {}
        return {k: v for k, v in loaded["entries"].items() if isinstance(v, SourceEntry)}

    def _write(self) -> None:
        assert self.folder is not None
        payload = pickle.dumps({"format": FORMAT, "entries": self.entries}, protocol=pickle.HIGHEST_PROTOCOL)
        data = hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, self.folder / CACHE_FILE)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("cannot write the cache: %s", exc)

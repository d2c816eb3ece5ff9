"""Rendered Markdown, cached by a hash of everything that affects it.

The key covers the engine version, the Markdown package and configuration, the glossary,
the source path and the body text. Entries live in memory (the dev server) and optionally
on disk under ``.cache/`` (builds). A disk entry that does not parse or whose checksum does
not match is ignored and rendered again: the cache is never trusted blindly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import markdown as markdown_package

from . import __version__
from .glossary import Term
from .markdown import EXTENSION_CONFIG, EXTENSIONS, Link, Rendered

log = logging.getLogger("sitegen")
FORMAT = 1


def render_salt(terms: tuple[Term, ...]) -> str:
    """A hash of every input to rendering other than the page itself."""
    parts = [
        __version__,
        str(FORMAT),
        markdown_package.__version__,
        repr(EXTENSIONS),
        repr(EXTENSION_CONFIG),
        repr(terms),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def cache_key(salt: str, source: str, body: str) -> str:
    return hashlib.sha256(f"{salt}\0{source}\0{body}".encode()).hexdigest()


def to_json(rendered: Rendered) -> dict[str, Any]:
    return {
        "html": rendered.html,
        "toc": [list(t) for t in rendered.toc],
        "h2_ids": list(rendered.h2_ids),
        "ids": sorted(rendered.ids),
        "links": [[x.kind, x.target, x.fragment, x.raw] for x in rendered.links],
        "citations": list(rendered.citations),
        "bad_citations": list(rendered.bad_citations),
        "terms": list(rendered.terms),
        "has_h1": rendered.has_h1,
    }


def from_json(data: dict[str, Any]) -> Rendered:
    return Rendered(
        html=str(data["html"]),
        toc=tuple((int(a), str(b), str(c)) for a, b, c in data["toc"]),
        h2_ids=tuple(map(str, data["h2_ids"])),
        ids=frozenset(map(str, data["ids"])),
        links=tuple(Link(*map(str, x)) for x in data["links"]),
        citations=tuple(map(str, data["citations"])),
        bad_citations=tuple(map(str, data["bad_citations"])),
        terms=tuple(map(str, data["terms"])),
        has_h1=bool(data["has_h1"]),
    )


class RenderCache:
    """Rendered pages by key, in memory and (when ``folder`` is given) on disk."""

    def __init__(self, folder: Path | None = None, *, writable: bool = True) -> None:
        self.folder = folder
        self.writable = writable
        self.memory: dict[str, Rendered] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Rendered | None:
        found = self.memory.get(key) or self._read(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
            self.memory[key] = found
        return found

    def put(self, key: str, rendered: Rendered) -> None:
        self.memory[key] = rendered
        if self.folder is not None and self.writable:
            self._write(key, rendered)

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def _read(self, key: str) -> Rendered | None:
        if self.folder is None:
            return None
        try:
            data = json.loads(self._path(key).read_bytes())
            body = json.dumps(data["rendered"], sort_keys=True)
            if data["key"] != key or data["check"] != hashlib.sha256(body.encode()).hexdigest():
                raise ValueError("checksum mismatch")
            return from_json(data["rendered"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.debug("ignoring cache entry %s: %s", key, exc)
            return None

    def _write(self, key: str, rendered: Rendered) -> None:
        path = self._path(key)
        payload = to_json(rendered)
        body = json.dumps(payload, sort_keys=True)
        record = {"key": key, "check": hashlib.sha256(body.encode()).hexdigest(), "rendered": payload}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
            os.replace(temporary, path)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.debug("cannot write cache entry %s: %s", key, exc)

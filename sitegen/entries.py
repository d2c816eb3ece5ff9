"""What the cache keeps of one source: its page, its rendering and its own problems.

An entry is stored as JSON (never pickle: a value read back can only be data) under a key
that hashes the source's bytes with everything else its rendering depends on: the engine's
code, Python-Markdown's version, the glossary, the bibliography and the content rules. So an
entry is either exactly what rendering the source now would give, or it is not found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .bibliography import Source
from .config import Config
from .content import Page
from .errors import Problem
from .glossary import Term
from .markdown import Link, Rendered

log = logging.getLogger("sitegen")


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One source, parsed, rendered and checked on its own."""

    page: Page  # its body is "" once rendered and checked
    rendered: Rendered
    problems: tuple[Problem, ...]
    shown: str  # shown_elsewhere(page, rendered), made once with the entry: every build needs every page's


LIBRARIES = ("markdown", "jinja2", "markupsafe", "nh3", "pyyaml")  # whose versions change what a page becomes


@functools.cache
def engine_fingerprint() -> str:
    """A hash of the engine's own code and of the libraries' versions, so that a changed
    engine or an upgraded library never reuses old results."""
    versions = [importlib.metadata.version(name) for name in LIBRARIES]
    digest = hashlib.sha256("\0".join([__version__, *versions]).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def source_salt(config: Config, sources: Mapping[str, Source], terms: tuple[Term, ...]) -> str:
    """A hash of every input, other than the source itself, that an entry depends on."""
    rules = (config.required_sections, config.min_citations, config.background_section, config.bibliography.name)
    parts = (engine_fingerprint(), repr(terms), repr(sorted(sources.items())), repr(rules))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def entry_key(salt: str, source: str, kind: str, data: bytes) -> str:
    """The cache key of ``source`` (a path under content/) whose bytes are ``data``."""
    return hashlib.sha256(f"{salt}\0{source}\0{kind}\0".encode() + data).hexdigest()


def shown_elsewhere(page: Page, rendered: Rendered) -> str:
    """A hash of what other pages may show or check of this one: its front matter, citations,
    glossary terms, the pages it links to and the ids links may point at."""
    fields = tuple(getattr(page, f.name) for f in dataclasses.fields(page) if f.name not in ("body", "key_lines"))
    links = tuple(link.target for link in rendered.links if link.kind == "page")
    state = (fields, rendered.citations, rendered.terms, links, sorted(rendered.ids), rendered.toc)
    return hashlib.sha256(repr(state).encode()).hexdigest()


# -- to and from JSON --------------------------------------------------------------------
# Each dataclass is stored as a list of its fields' values, in field order, and read back by
# one converter per field, chosen from the field's annotation: lists back into the tuples,
# sets and dates the dataclasses hold.
def encode_entry(entry: SourceEntry) -> bytes:
    problems = [dataclasses.astuple(p) for p in entry.problems]
    value = [_fields(entry.page), _fields(entry.rendered), problems, entry.shown]
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default).encode()


def decode_entry(data: bytes) -> SourceEntry | None:
    """The entry ``data`` holds, or None if it is not one this engine wrote."""
    try:
        page, rendered, problems, shown = json.loads(data)
        page = Page(*_converted(PAGE_CONVERTERS, page))
        rendered = Rendered(*_converted(RENDERED_CONVERTERS, rendered))
        return SourceEntry(page, rendered, tuple(Problem(*p) for p in problems), str(shown))
    except (ValueError, KeyError, TypeError) as exc:
        log.info("cache entry ignored: %s", exc)
        return None


def _fields(value: Any) -> list[Any]:
    return [getattr(value, f.name) for f in dataclasses.fields(value)]


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Link):
        return _fields(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def _converted(converters: tuple[Callable[[Any], Any], ...], values: list[Any]) -> list[Any]:
    if not isinstance(values, list) or len(values) != len(converters):
        raise ValueError(f"{len(values)} fields stored, {len(converters)} expected")
    return [convert(value) for convert, value in zip(converters, values, strict=True)]


def _converter(annotation: str) -> Callable[[Any], Any]:
    if annotation.startswith("tuple[tuple"):
        return lambda value: tuple(map(tuple, value))
    if annotation.startswith("tuple[Link"):
        return lambda value: tuple(Link(*link) for link in value)
    if annotation.startswith("tuple"):
        return tuple
    if annotation.startswith("frozenset"):
        return frozenset
    if annotation.startswith("dt.date"):
        return lambda value: None if value is None else dt.date.fromisoformat(value)
    if annotation.startswith(("str", "int", "bool", "dict")):
        return _same
    raise TypeError(f"no converter for a field of type {annotation}")


def _same(value: Any) -> Any:
    return value


PAGE_CONVERTERS = tuple(_converter(str(f.type)) for f in dataclasses.fields(Page))
RENDERED_CONVERTERS = tuple(_converter(str(f.type)) for f in dataclasses.fields(Rendered))

"""The bibliography file (content/references.yaml) -> Source values, one per id.

Each entry holds two kinds of keys. Reader keys become a Source's fields and may be shown on
the site. Editor keys (where a detail was seen, what to check next) are validated here and
then dropped: Source has no field for them, so no template can show one by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, suggest
from .yamlfile import read_data_file

# Top-level keys of references.yaml and what the entries under them are.
RESEARCH_TOPICS = ("general", "stress", "circulation", "lymph", "sleep", "inflammation", "hormones", "mind-body")
NOT_ENTRIES = ("notes", "claims_not_supported")
BIBLIOGRAPHIC = ("authors", "year", "title", "journal", "volume_pages", "doi", "pmid", "url")
READER_TEXT = ("type", "design", "population", "finding", "caveat", "unverified_reason")
READER_KEYS = frozenset(("id", "verified", *BIBLIOGRAPHIC, *READER_TEXT))
EDITOR_KEYS = frozenset(("seen", "evidence_note", "pmid_note", "authors_note", "cautions"))


@dataclass(frozen=True, slots=True)
class Source:
    """One citable work: only what a reader may see."""

    id: str
    category: str  # "research", "background" or "safety"
    authors: str  # empty only when no record showed them (then not verified, and the reason says so)
    year: int | None
    title: str
    journal: str
    volume_pages: str
    doi: str
    pmid: str
    url: str
    type: str
    design: str  # e.g. "meta-analysis of 37 randomised studies"
    population: str  # who was studied, or "not stated"
    caveat: str  # one line for readers
    verified: bool
    unverified_reason: str  # why not verified; required when verified is false
    findings: tuple[tuple[str, str], ...]  # (topic, what was found)
    line: int

    @property
    def link(self) -> str:
        """The best address for the work: its DOI, else PubMed, else where it was seen."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if value is None or value == "not seen":
        return ""
    return str(value).strip()


def _entries(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Flatten the file into (category, topic, entry)."""
    out: list[tuple[str, str, Any]] = []
    for key, value in data.items():
        if key in NOT_ENTRIES:
            continue
        if key == "background" and isinstance(value, dict):
            for topic, items in value.items():
                out += [("background", str(topic), e) for e in items or []]
        elif key == "safety" and isinstance(value, list):
            out += [("safety", "safety", e) for e in value]
        elif isinstance(value, list):
            out += [("research", str(key), e) for e in value]
    return out


def load_bibliography(path: Path, display: str) -> tuple[dict[str, Source], list[Problem]]:
    """Read the bibliography; every entry needs id, authors, title; an id may repeat only unchanged."""
    text, loaded, unread = read_data_file(path, display, "bibliography file not found (site.yaml: bibliography)")
    if loaded is None:
        return {}, unread
    if not isinstance(loaded.data, dict):
        return {}, [Problem(display, 1, "must be a mapping of topics to lists of sources")]
    raw_lines = text.split("\n")
    lines = _id_lines(raw_lines)
    seen_count: dict[str, int] = {}
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for category, topic, entry in _entries(loaded.data):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(Problem(display, loaded.key_lines.get(topic, 1), f'an entry under "{topic}" has no "id"'))
            continue
        source_id = entry["id"]
        occurrence = seen_count[source_id] = seen_count.get(source_id, -1) + 1
        line = (lines.get(source_id) or [1])[min(occurrence, len(lines.get(source_id) or [1]) - 1)]
        problems += _key_problems(entry, display, line, raw_lines)
        missing = _missing(entry)
        if missing:
            problems.append(Problem(display, line, f'source "{source_id}" needs {" and ".join(missing)}'))
            continue
        source = _make_source(entry, category, topic, line)
        earlier = sources.get(source_id)
        if earlier is None:
            sources[source_id] = source
        elif any(_text(entry, k) != _field(earlier, k) for k in ("title", "authors", "doi")):
            problems.append(Problem(display, line, f'source "{source_id}" appears twice with different details'))
        else:
            sources[source_id] = _merge(earlier, topic, _text(entry, "finding"))
    return sources, problems


def _key_problems(entry: dict[str, Any], display: str, line: int, raw_lines: list[str]) -> list[Problem]:
    """Unknown keys, and an unverified source that does not tell readers why."""
    source_id = entry["id"]
    problems = []
    for key in entry:
        if str(key) not in READER_KEYS | EDITOR_KEYS:
            hint = suggest(str(key), READER_KEYS | EDITOR_KEYS)
            where = _key_line(raw_lines, line, str(key))
            problems.append(Problem(display, where, f'source "{source_id}" has an unknown key "{key}".{hint}'))
    if entry.get("verified") is not True and not _text(entry, "unverified_reason"):
        message = f'source "{source_id}" is not verified: give readers the reason in "unverified_reason"'
        problems.append(Problem(display, line, message))
    return problems


def _missing(entry: dict[str, Any]) -> list[str]:
    """Required keys without a value; authors may be absent only when the unverified reason says why."""
    explained = entry.get("verified") is not True and bool(_text(entry, "unverified_reason"))
    return [k for k in ("authors", "title") if not _text(entry, k) and not (k == "authors" and explained)]


def _field(source: Source, key: str) -> str:
    return str(getattr(source, key) or "")


def _merge(source: Source, topic: str, finding: str) -> Source:
    values = {name: getattr(source, name) for name in Source.__slots__}
    values["findings"] = (*source.findings, (topic, finding))
    return Source(**values)


def _make_source(entry: dict[str, Any], category: str, topic: str, line: int) -> Source:
    """Only reader keys are read here; editor keys never reach a Source."""
    year = entry.get("year")
    return Source(
        id=entry["id"],
        category=category,
        authors=_text(entry, "authors"),
        year=year if isinstance(year, int) else None,
        title=_text(entry, "title"),
        journal=_text(entry, "journal"),
        volume_pages=_text(entry, "volume_pages"),
        doi=_text(entry, "doi"),
        pmid=_text(entry, "pmid"),
        url=_text(entry, "url"),
        type=_text(entry, "type"),
        design=_text(entry, "design"),
        population=_text(entry, "population"),
        caveat=_text(entry, "caveat"),
        verified=entry.get("verified") is True,
        unverified_reason=_text(entry, "unverified_reason") if entry.get("verified") is not True else "",
        findings=((topic, _text(entry, "finding")),),
        line=line,
    )


def _id_lines(raw_lines: list[str]) -> dict[str, list[int]]:
    """The lines of each '- id: x' entry (an id may appear under several topics), for problem reports."""
    lines: dict[str, list[int]] = {}
    for number, raw in enumerate(raw_lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("- id:") or stripped.startswith("id:"):
            key = stripped.split("id:", 1)[1].strip().strip("'\"")
            lines.setdefault(key, []).append(number)
    return lines


def _key_line(raw_lines: list[str], id_line: int, key: str) -> int:
    """The line of ``key:`` in the entry that starts on ``id_line`` (that line if not found)."""
    for number in range(id_line, len(raw_lines) + 1):
        stripped = raw_lines[number - 1].strip()
        if number > id_line and stripped.startswith("- "):
            break
        if stripped.removeprefix("- ").startswith(f"{key}:"):
            return number
    return id_line

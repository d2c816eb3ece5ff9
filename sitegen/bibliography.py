"""The bibliography file (content/references.yaml) -> Source values, one per id."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .yamlfile import YamlError, load_yaml

# Top-level keys of references.yaml and what the entries under them are.
RESEARCH_TOPICS = ("general", "stress", "circulation", "lymph", "sleep", "inflammation", "hormones", "mind-body")
NOT_ENTRIES = ("notes", "claims_not_supported")
BIBLIOGRAPHIC = ("authors", "year", "title", "journal", "volume_pages", "doi", "pmid", "url")


@dataclass(frozen=True, slots=True)
class Source:
    """One citable work."""

    id: str
    category: str  # "research", "background" or "safety"
    authors: str
    year: int | None
    title: str
    journal: str
    volume_pages: str
    doi: str
    pmid: str
    url: str
    type: str
    verified: bool
    unverified_reason: str
    evidence_note: str
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


def _entries(data: dict[str, Any], item_lines: dict[int, int]) -> list[tuple[str, str, dict[str, Any], int]]:
    """Flatten the file into (category, topic, entry, line)."""
    out: list[tuple[str, str, dict[str, Any], int]] = []
    for key, value in data.items():
        if key in NOT_ENTRIES:
            continue
        if key == "background" and isinstance(value, dict):
            for topic, items in value.items():
                out += [("background", str(topic), e, item_lines.get(id(e), 0)) for e in items or []]
        elif key == "safety" and isinstance(value, list):
            out += [("safety", "safety", e, item_lines.get(id(e), 0)) for e in value]
        elif isinstance(value, list):
            out += [("research", str(key), e, item_lines.get(id(e), 0)) for e in value]
    return out


def load_bibliography(path: Path, display: str) -> tuple[dict[str, Source], list[Problem]]:
    """Read the bibliography; every entry needs id, authors, title; an id may repeat only unchanged."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        loaded = load_yaml(text)
    except FileNotFoundError:
        return {}, [Problem(display, 0, "bibliography file not found (site.yaml: bibliography)")]
    except UnicodeDecodeError as exc:
        return {}, [Problem(display, 0, f"is not valid UTF-8: {exc}")]
    except YamlError as exc:
        return {}, [Problem(display, exc.line, exc.message)]
    if not isinstance(loaded.data, dict):
        return {}, [Problem(display, 1, "must be a mapping of topics to lists of sources")]
    lines = _id_lines(text)
    seen_count: dict[str, int] = {}
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for category, topic, entry, _ in _entries(loaded.data, {}):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(Problem(display, loaded.key_lines.get(topic, 1), f'an entry under "{topic}" has no "id"'))
            continue
        source_id = entry["id"]
        occurrence = seen_count[source_id] = seen_count.get(source_id, -1) + 1
        line = (lines.get(source_id) or [1])[min(occurrence, len(lines.get(source_id) or [1]) - 1)]
        missing = [k for k in ("authors", "title") if not _text(entry, k)]
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


def _field(source: Source, key: str) -> str:
    return str(getattr(source, key) or "")


def _merge(source: Source, topic: str, finding: str) -> Source:
    values = {name: getattr(source, name) for name in Source.__slots__}
    values["findings"] = (*source.findings, (topic, finding))
    return Source(**values)


def _make_source(entry: dict[str, Any], category: str, topic: str, line: int) -> Source:
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
        verified=entry.get("verified") is True,
        unverified_reason=_text(entry, "unverified_reason"),
        evidence_note=_text(entry, "evidence_note"),
        findings=((topic, _text(entry, "finding")),),
        line=line,
    )


def _id_lines(text: str) -> dict[str, list[int]]:
    """The lines of each '- id: x' entry (an id may appear under several topics), for problem reports."""
    lines: dict[str, list[int]] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith("- id:") or stripped.startswith("id:"):
            key = stripped.split("id:", 1)[1].strip().strip("'\"")
            lines.setdefault(key, []).append(number)
    return lines

"""Discover sources under content/, split and validate their front matter -> Page values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .characters import forbidden_at, forbidden_message
from .errors import Problem, clip
from .limits import markdown_bounds
from .schema import Field, validate
from .symlinks import outside_links
from .yamlfile import YamlError, load_yaml

EVIDENCE_LEVELS = ("strong", "moderate", "limited", "mixed", "insufficient")
MAX_FRONT_MATTER = 16 * 1024  # bytes; more than this is surely a missing closing ---
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Slugs the engine itself uses for generated pages and folders.
RESERVED_SLUGS = frozenset({"glossary", "bibliography", "static", "search", "404", "feed", "sitemap"})
KINDS = {"articles": "article", "pages": "page"}
DATA_FILES = {"references.yaml", "glossary.yaml", "people.yaml"}
UNUSED = "is not used: articles go in content/articles/*.md, pages in content/pages/*.md, images and files in static/"

_COMMON = (
    Field("title", "str", required=True, min_len=1, max_len=120, doc="the page title"),
    Field("summary", "str", required=True, min_len=1, max_len=200, doc="one or two plain sentences"),
    Field("draft", "bool", default=False, doc="true keeps the page out of the published site"),
    Field("slug", "str", default=None, doc="URL name; defaults to the file name"),
    Field("tags", "list", default=[], doc="topic words"),
)
ARTICLE_FIELDS: tuple[Field, ...] = (
    *_COMMON,
    Field("order", "int", required=True, doc="position in the sequence of benefits (1, 2, ...)"),
    Field("related", "list", default=[], doc="slugs of related articles"),
    Field("evidence", "str", required=True, choices=EVIDENCE_LEVELS, doc="strength of the evidence"),
    Field("evidence_reason", "str", required=True, min_len=1, max_len=300, doc="one line: why this rating"),
    Field("key_points", "list", required=True, min_len=2, max_len=4, doc="2 to 4 key points"),
    Field("reviewed", "date", required=True, doc="date the content was last checked"),
    Field("reviewers", "list", default=[], doc="ids from content/people.yaml; none: the editorial team"),
    Field("next_review", "date", default=None, doc="when the next review is due; default: reviewed + review_interval"),
    Field(
        "studied", "str", default="", max_len=90, doc="what the cited studies measured (the home page's evidence map)"
    ),
    Field("studied_in", "str", default="", max_len=90, doc="who took part in them"),
)
PAGE_FIELDS: tuple[Field, ...] = (
    *_COMMON,
    Field("reviewed", "date", default=None, doc="date the content was last checked"),
)


@dataclass(frozen=True)
class Page:
    """One Markdown source, its checked front matter and its body."""

    source: str  # path under content/, e.g. "articles/stress.md"
    kind: str  # "article" or "page"
    slug: str  # "" for the home page
    title: str
    summary: str
    draft: bool
    tags: tuple[str, ...]
    order: int
    related: tuple[str, ...]
    evidence: str
    evidence_reason: str
    key_points: tuple[str, ...]
    reviewed: dt.date | None
    body: str  # the Markdown; "" in the build's index, once rendered and checked
    body_line: int  # line of the file on which the body starts
    key_lines: dict[str, int]  # line of each front-matter key, for problems about it
    reviewers: tuple[str, ...] = ()  # ids in the people file (review.py)
    next_review: dt.date | None = None
    studied: str = ""  # what was studied, and in whom (diagram.py's evidence map)
    studied_in: str = ""

    @functools.cached_property
    def output_path(self) -> str:
        """Where the page is written, relative to the output folder."""
        return f"{self.slug}/index.html" if self.slug else "index.html"

    @functools.cached_property
    def project_path(self) -> str:
        return f"content/{self.source}"

    def line_of(self, key: str) -> int:
        """The line of a front-matter key (or of the opening --- when it is absent)."""
        return self.key_lines.get(key, 1)

    def line_containing(self, needle: str) -> int:
        """The first body line that contains ``needle`` (the body's first line if none)."""
        for offset, line in enumerate(self.body.split("\n")):
            if needle in line:
                return self.body_line + offset
        return self.body_line


def decode_source(data: bytes) -> str:
    """UTF-8 (BOM allowed) with CRLF/CR normalised; UnicodeDecodeError says where."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_problem(display: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Name the line and column of the first byte that is not UTF-8."""
    offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
    line = data[:offset].count(b"\n") + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Problem(
        display, line, f"is not valid UTF-8 (byte 0x{data[offset]:02x} at column {column}); save the file as UTF-8"
    )


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter or None, body, line the body starts on)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1 :]), index + 2
    raise YamlError(1, 'front matter starts with "---" but has no closing "---" line')


def parse_page(source: str, kind: str, text: str) -> tuple[Page | None, list[Problem]]:
    """Turn one source text into a Page, or the problems that stop it."""
    display = f"content/{source}"
    try:
        front, body, body_line = split_front_matter(text)
    except YamlError as exc:
        return None, [Problem(display, exc.line, exc.message)]
    if front is not None and len(front.encode()) > MAX_FRONT_MATTER:
        return None, [Problem(display, 1, f"front matter is larger than {MAX_FRONT_MATTER // 1024} KB")]
    try:  # front matter starts on the file's second line
        loaded = load_yaml(front, first_line=2) if front is not None else None
    except YamlError as exc:
        return None, [Problem(display, exc.line, exc.message)]
    if loaded is None or loaded.data is None:
        return None, [Problem(display, 1, 'must start with front matter between two "---" lines (title, summary, ...)')]
    if not isinstance(loaded.data, dict):
        return None, [Problem(display, 2, "front matter must be a mapping of keys to values (key: value)")]
    fields = ARTICLE_FIELDS if kind == "article" else PAGE_FIELDS
    values, problems = validate(loaded.data, fields, path=display, key_lines=loaded.key_lines)
    stem = Path(source).stem
    slug = values["slug"] if values["slug"] is not None else ("" if kind == "page" and stem == "index" else stem)
    slug_line = loaded.key_lines.get("slug", 1)
    problems += _slug_problems(display, slug, slug_line, explicit=values["slug"] is not None)
    if problems:
        return None, problems
    return _make_page(source, kind, slug, values, body, body_line, loaded.key_lines), []


def _slug_problems(display: str, slug: str, line: int, *, explicit: bool) -> list[Problem]:
    if slug == "" and not explicit:
        return []
    origin = 'the "slug" key' if explicit else "the file name"
    if not SLUG.match(slug):
        fix = "" if explicit else ' (rename the file or set "slug:")'
        return [
            Problem(display, line, f'slug "{clip(slug)}" from {origin} must use only a-z, 0-9 and single hyphens{fix}')
        ]
    if slug in RESERVED_SLUGS:
        return [Problem(display, line, f'slug "{slug}" is used by the site itself; choose another')]
    return []


def _make_page(
    source: str, kind: str, slug: str, v: dict[str, Any], body: str, body_line: int, key_lines: dict[str, int]
) -> Page:
    return Page(
        source=source,
        kind=kind,
        slug=slug,
        title=v["title"],
        summary=v["summary"],
        draft=v["draft"],
        tags=tuple(v["tags"]),
        order=v.get("order") or 0,
        related=tuple(v.get("related") or ()),
        evidence=v.get("evidence") or "",
        evidence_reason=v.get("evidence_reason") or "",
        key_points=tuple(v.get("key_points") or ()),
        reviewed=v["reviewed"],
        body=body,
        body_line=body_line,
        key_lines=key_lines,
        reviewers=tuple(v.get("reviewers") or ()),
        next_review=v.get("next_review"),
        studied=v.get("studied") or "",
        studied_in=v.get("studied_in") or "",
    )


def ignored_name(name: str) -> bool:
    """Editor temp/swap files and hidden files are never content."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"))
        or name == "4913"  # vim's write test
    )


def discover(content_dir: Path) -> tuple[list[tuple[str, str, str]], list[Problem]]:
    """Find every source: (path under content/, kind, file name). Unknown files are problems."""
    found: list[tuple[str, str, str]] = []
    folder_name = str(content_dir)
    problems: list[Problem] = []
    if not content_dir.is_dir():
        return [], [Problem("content", 0, "folder not found; create content/articles/ and content/pages/")]
    links = outside_links(content_dir.parent, content_dir.name)  # symlinks out of the project: never read
    if any(problem.path == content_dir.name for problem in links):  # the folder itself
        return [], links
    problems += links
    refused = {problem.path for problem in links}
    for source in sorted(walk_files(content_dir)):
        folder, _, name = source.rpartition("/")
        kind = KINDS.get(folder)
        if f"content/{source}" in refused:
            continue
        link = content_dir / source
        if kind and name.endswith(".md"):
            if not os.access(link, os.R_OK):  # never true for root, who reads anything
                problems.append(Problem(f"content/{source}", 0, "cannot be read: permission denied"))
                continue
            found.append((source, kind, f"{folder_name}/{source}"))
        elif source in DATA_FILES:
            continue
        else:
            problems.append(Problem(f"content/{source}", 0, UNUSED, level="warning"))
    return found, problems


def walk_files(folder: Path) -> list[str]:
    """Every file under ``folder`` as a relative POSIX path, skipping ignored names.
    Symlinked folders are not followed, so a link cannot pull files from elsewhere."""
    files: list[str] = []
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            if ignored_name(entry.name):
                continue
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, relative + "/"))
            elif entry.is_file():
                files.append(relative)
    return files


def read_source(source: str, kind: str, data: bytes) -> tuple[Page | None, list[Problem]]:
    """Decode and parse one source's bytes; a page comes back only if it is safe to render."""
    display = f"content/{source}"
    try:
        text = decode_source(data)
    except UnicodeDecodeError as exc:
        return None, [dataclasses.replace(decode_problem(display, data, exc), phase=0)]
    found = forbidden_at(text)
    if found is not None:
        return None, [Problem(display, found[0], forbidden_message(found[2], f"at column {found[1]}"), phase=0)]
    page, problems = parse_page(source, kind, text)
    if page is not None and (too_much := markdown_bounds(page.body, display, page.body_line)):
        page, problems = None, problems + too_much
    if page is None:  # it stops the page from loading: reported before what that causes (errors.in_order)
        return None, [dataclasses.replace(problem, phase=0) for problem in problems]
    return page, problems


def load_pages(content_dir: Path) -> tuple[list[Page], list[Problem]]:
    """Read and parse every source; collect every problem rather than stopping at the first."""
    sources, problems = discover(content_dir)
    pages: list[Page] = []
    for source, kind, path in sources:
        page, page_problems = read_source(source, kind, Path(path).read_bytes())
        problems += page_problems
        if page:
            pages.append(page)
    return pages, problems

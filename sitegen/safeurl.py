"""What an address or a path given in site.yaml, references.yaml or a flag may be.

An address is written into pages, feed.xml and sitemap.xml; one that is not plain http(s)
(javascript:, data:) runs or embeds something, and a quote, space or control character
in it breaks the markup around it before any escaping can help a reader.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from .bibliography import Source
from .errors import Problem

UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\`]")
DOI = re.compile(r"^10\.\d{4,9}/[^\s\"'<>\\`]+$")
PMID = re.compile(r"^\d{1,10}$")


def web_address_problem(value: str, *, mailto: bool = False, relative: bool = False) -> str | None:
    """What is wrong with ``value`` as an http(s) address (or mailto:, or a path from the site's root)."""
    if UNSAFE_CHARACTERS.search(value):
        return "must not hold spaces, quotes, <, >, \\ or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"is not a valid address ({exc})"
    if parts.scheme in ("http", "https") and parts.hostname:
        return None
    if mailto and parts.scheme == "mailto" and "@" in parts.path:
        return None
    if relative and not parts.scheme and not parts.netloc and value.startswith("/") and not value.startswith("//"):
        return None
    allowed = "an http:// or https:// address" + (", a mailto: address" if mailto else "")
    return f"must be {allowed}" + (" or a path starting with /" if relative else "")


def source_problems(sources: Iterable[Source], display: str) -> list[Problem]:
    """Each bibliography source whose url, doi or pmid could not be a safe link."""
    problems: list[Problem] = []
    for source in sources:
        where = f'source "{source.id}"'
        if source.url and (wrong := web_address_problem(source.url)):
            problems.append(Problem(display, source.line, f'{where}: url "{source.url[:60]}" {wrong}'))
        if source.doi and not DOI.match(source.doi):
            message = f'{where}: doi "{source.doi[:60]}" is not a DOI like 10.1037/0033-2909.130.1.3'
            problems.append(Problem(display, source.line, message))
        if source.pmid and not PMID.match(source.pmid):
            problems.append(Problem(display, source.line, f'{where}: pmid "{source.pmid[:60]}" must be digits only'))
    return problems


def project_path_problem(root: Path, value: str, *, folder: bool = False) -> str | None:
    """What is wrong with ``value`` as the project's file (or folder): it must exist, be of
    that kind, and lie inside the project, symlinks resolved."""
    path = root / value
    kind = "folder" if folder else "file"
    if not value or Path(value).is_absolute():
        return f"must be a {kind} path inside the project, relative to site.yaml"
    if not path.resolve().is_relative_to(root.resolve()):
        return f"{value} lies outside the project (a symlink or ..); nothing outside it is read"
    if not path.exists():
        return f"{value} does not exist"
    if folder and not path.is_dir():
        return f"{value} is a file, not a folder"
    if not folder and not path.is_file():
        return f"{value} is a folder, not a file"
    if not os.access(path, os.R_OK):
        return f"{value} cannot be read (permission denied)"
    return None


def make_output_parent(out: Path) -> str | None:
    """Create the folder ``out`` is made in (the new output is written beside ``out``); say why not."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (out.parent, *out.parent.parents) if p.exists() and not p.is_dir()), None)
        return f"{blocker} is a file, not a folder" if blocker else str(exc.strerror)
    return None

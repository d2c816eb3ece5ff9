"""The site's search bundle (``pagefind/``), made by Pagefind from the rendered HTML pages.

Pagefind reads what the templates mark: ``data-pagefind-body`` on an article's text (pages
without it are not indexed), ``data-pagefind-meta`` (title, summary, evidence) and
``data-pagefind-filter`` (evidence, tag). Its result URLs are root-relative ("/sleep/"); the
browser side (pagefind.js) puts the base path in front, found from where the bundle is
loaded, so one bundle works at a domain root and under ``/repo/``.

Why the pages go through a temporary folder (``add_directory``) and not one
``add_html_file`` call each with ``get_files`` at the end: the Python client reads one
answer from the Pagefind process per 0.1 s (300 pages took 32 s, against 3.4 s this way),
and it reads at most 2 MiB per answer, so ``get_files`` on a bundle larger than that never
returns (a 300-page site's bundle is 3.4 MB). The folder is private to one call and removed.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import posixpath
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pagefind.index import IndexConfig
from pagefind.service import PagefindService

from .errors import ConfigError, Problem

log = logging.getLogger("sitegen")
BUNDLE = "pagefind/"  # where the bundle goes in the output
WORKING = "sitegen-search-"  # + process id: the working folder of one build's indexing
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")  # our own UI
INSTALL = "install it with `pip install 'pagefind[bin]'`, or build with --no-search"


def search_files(pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle for ``pages`` (output path -> HTML bytes), as output path -> bytes.

    Raises ConfigError when the Pagefind program is missing (a setup problem, exit 2).
    """
    html = {path: data for path, data in pages.items() if path.endswith(".html") and posixpath.basename(path)}
    try:
        return _search_files(html)
    except OSError as exc:  # a full disk or a file size limit, in its working folder
        message = f"cannot write the pages Pagefind reads ({exc.strerror}); the last site is unchanged"
        raise ConfigError([Problem("pagefind", 0, message)]) from exc


def _search_files(html: dict[str, bytes]) -> dict[str, bytes]:
    parent = _memory_folder()
    _remove_abandoned(Path(parent or tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=f"{WORKING}{os.getpid()}-", dir=parent) as folder:
        site, bundle = Path(folder, "site"), Path(folder, "bundle")
        for path, data in sorted(html.items()):
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            count = asyncio.run(_index(site, bundle, {"verbose": False}))  # the language: each page's <html lang>
        except FileNotFoundError as exc:  # PagefindService's way of saying its binary is missing
            missing = exc.filename or "pagefind"
            raise ConfigError(
                [Problem("pagefind", 0, f"the Pagefind program is missing ({missing}); {INSTALL}")]
            ) from None
        files = {
            BUNDLE + file.relative_to(bundle).as_posix(): file.read_bytes()
            for file in sorted(bundle.rglob("*"))
            if file.is_file() and not file.name.startswith(UNUSED)
        }
    log.debug("search: %d of %d pages indexed, %d files", count, len(html), len(files))
    return files


def _remove_abandoned(parent: Path) -> None:
    """Remove the working folders of builds that were killed (their process is gone)."""
    for folder in parent.glob(f"{WORKING}*-*"):
        pid = folder.name.removeprefix(WORKING).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _memory_folder() -> str | None:
    """/dev/shm where there is one: the pages' copy then costs no disk writes (a second of
    them at 4,000 pages on this project's disks); else the system's temporary folder."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


async def _index(site: Path, bundle: Path, config: IndexConfig) -> int:
    """Index every HTML file under ``site`` and write the bundle to ``bundle``; the page count."""
    async with PagefindService() as service:
        index = await service.create_index(config)
        found = await index.add_directory(str(site))
        await index.write_files(output_path=str(bundle))
    return int(found["page_count"])


def encode_bundle(files: Mapping[str, bytes]) -> bytes:
    """A bundle as one value for the store."""
    return json.dumps({name: base64.b64encode(data).decode() for name, data in files.items()}).encode()


def decode_bundle(value: bytes) -> dict[str, bytes] | None:
    """What encode_bundle made, or None."""
    try:
        found = json.loads(value)
        return {str(name): base64.b64decode(data, validate=True) for name, data in found.items()}
    except (ValueError, TypeError, AttributeError):
        return None

"""Write the built site: into a fresh folder beside the output, swapped in only when complete."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import ConfigError, Problem

MARKER = ".sitegen-output"  # JSON: a note, and the sha256 of every file written


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out: Path) -> dict[str, str]:
    """What the last build wrote (path -> sha256); empty if unknown or unreadable."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        files = data["files"]
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def check_output_dir(out: Path, root: Path) -> None:
    """Refuse to write where a build could destroy something it did not create."""
    target = out.resolve()
    project = root.resolve()
    shown = str(out)
    forbidden = {Path("/"), Path.home().resolve(), project}
    if target in forbidden or project.is_relative_to(target):
        raise ConfigError(
            [Problem("--out", 0, f"{shown} would replace the project or a folder holding it; choose e.g. _site")]
        )
    for folder in ("content", "templates", "static"):
        if target.is_relative_to(project / folder):
            raise ConfigError(
                [Problem("--out", 0, f"{shown} is inside {folder}/; choose a folder outside the sources")]
            )
    if target.exists() and not target.is_dir():
        raise ConfigError([Problem("--out", 0, f"{shown} is a file, not a folder")])
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise ConfigError(
            [
                Problem(
                    "--out", 0, f"{shown} already exists and was not written by this generator; refusing to replace it"
                )
            ]
        )


def write_site(out: Path, files: Mapping[str, bytes], before_swap: Callable[[Path], None] | None = None) -> list[str]:
    """Write ``files`` (path inside the site -> bytes) to a new folder, then swap it for ``out``.

    A file whose bytes did not change since the last build is hard-linked from the old
    output instead of written again, so it keeps its modification time. Returns the paths
    that were written (new or changed). ``before_swap`` may add files (the search index).
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out)
    fresh = out.parent / f".{out.name}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    written: list[str] = []
    hashes: dict[str, str] = {}
    try:
        fresh.mkdir(mode=0o755)
        for name in sorted(files):
            path = fresh / name
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            hashes[name] = digest(files[name])
            if previous.get(name) != hashes[name] or not _link(out / name, path):
                path.write_bytes(files[name])
                written.append(name)
        note = {"note": "Written by sitegen; this folder is replaced on every build.", "files": hashes}
        (fresh / MARKER).write_text(json.dumps(note, indent=0, sort_keys=True), encoding="utf-8")
        if before_swap:
            before_swap(fresh)
        _swap(fresh, out)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return written


def _link(old: Path, new: Path) -> bool:
    """Reuse an unchanged file of the previous output; False if that is not possible."""
    try:
        os.link(old, new)
        return True
    except OSError:
        return False


def _swap(fresh: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    try:
        fresh.rename(out)
    except OSError:
        if old.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)

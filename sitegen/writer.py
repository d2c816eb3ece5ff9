"""Write the built site: into a fresh folder beside the output, swapped in only when complete."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from .errors import ConfigError, Problem

MARKER = ".sitegen-output"
MARKER_TEXT = b"Written by sitegen. This folder is replaced on every build.\n"


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


def write_site(out: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (path inside the site -> bytes) to a new folder, then swap it for ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = out.parent / f".{out.name}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        fresh.mkdir(mode=0o755)
        for name in sorted(files):
            path = fresh / name
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            path.write_bytes(files[name])
        (fresh / MARKER).write_bytes(MARKER_TEXT)
        _swap(fresh, out)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


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

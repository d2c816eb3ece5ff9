"""Write the built site beside the output and put it in place only when complete (see Staging)."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, Problem

MARKER = ".sitegen-output"  # JSON: a note, and the sha256 of every file written


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build wrote: path -> sha256 of its bytes, and path -> the key it was rendered from."""

    files: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)


def read_manifest(out: Path) -> Manifest:
    """The manifest of ``out``; empty if there is none or it cannot be read."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        files, keys = data["files"], data.get("keys", {})
        if not isinstance(files, dict) or not isinstance(keys, dict):
            return Manifest()
        return Manifest({str(k): str(v) for k, v in files.items()}, {str(k): str(v) for k, v in keys.items()})
    except (OSError, ValueError, KeyError, TypeError):
        return Manifest()


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


@dataclass(frozen=True, slots=True)
class Written:
    """What Staging.write() did: the sha256 of every file it was given, and those it wrote."""

    hashes: dict[str, str]
    changed: list[str]


class Staging:
    """A new build of ``out``, written beside it as files arrive and swapped in by commit().

    A first build (or one over an output without a readable manifest) writes every file
    into a new folder beside ``out`` and swaps it in when complete. Later builds stage only
    the files whose bytes changed, then move them into place and remove files that are
    gone, so unchanged files keep their bytes and times. Either way nothing in ``out`` is
    touched until commit(), and close() removes whatever was staged: a build that fails
    halfway leaves the last good output as it was. Files can be added in batches as they
    are rendered, so a large site's pages never need to be in memory all at once.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.previous = read_manifest(self.out)
        self.updating = bool(self.previous.files) and self.out.is_dir()
        kind = "stage" if self.updating else "new"
        self.folder = self.out.parent / f".{self.out.name}.{kind}-{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(mode=0o755)
        self.hashes: dict[str, str] = {}  # every file added: path -> sha256
        self.changed: set[str] = set()  # those written to the staging folder

    def add(self, files: Mapping[str, bytes]) -> None:
        """Stage ``files`` (path inside the site -> bytes); only changed ones are written."""
        self.record(self.write(files))

    def write(self, files: Mapping[str, bytes]) -> Written:
        """Write those of ``files`` that changed to the staging folder, and say what was
        written; record() it then. This changes nothing in the object, so a worker process
        forked from this one can write the pages it renders (see workers.render_site_pages)."""
        hashes, names = {}, []
        for name, data in files.items():
            hashes[name] = digest(data)
            if not self.updating or self.previous.files.get(name) != hashes[name] or not (self.out / name).is_file():
                names.append(name)
        _write_files(self.folder, files, names)
        return Written(hashes, names)

    def record(self, written: Written) -> None:
        self.hashes |= written.hashes
        self.changed.update(written.changed)

    def commit(self, keys: Mapping[str, str] | None = None, kept: Mapping[str, str] | None = None) -> list[str]:
        """Put the staged build in place; return the paths that changed.

        ``kept`` names files of the last build to keep as they are (path -> their sha256),
        and ``keys`` the render key of each output, remembered for the next build.
        """
        if kept and not self.updating:
            raise ValueError("files can be kept only from an existing output")
        hashes = self.hashes | dict(kept or {})
        manifest = Manifest(dict(sorted(hashes.items())), dict(sorted((keys or {}).items())))
        if not self.updating:
            _write_manifest(self.folder, manifest)
            _swap(self.folder, self.out)
            return sorted(self.changed)
        for name in sorted(self.changed):  # everything is staged: now move it into place
            target = self.out / name
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            os.replace(self.folder / name, target)
        for name in sorted(set(self.previous.files) - set(manifest.files)):
            (self.out / name).unlink(missing_ok=True)
            _remove_empty_parents(self.out / name, self.out)
        _write_manifest(self.out, manifest)
        return sorted(self.changed)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _write_files(folder: Path, files: Mapping[str, bytes], names: list[str]) -> None:
    """Write ``names`` under ``folder``, folders first. In this thread: writing by a pool of
    threads (which the system calls would let run) made the template phase of a 4,000-page
    build a fifth slower, on tmpfs and on ext4 alike, as every core is busy rendering then and
    the threads only trade the interpreter lock."""
    root = str(folder)
    for parent in sorted({posixpath.dirname(name) for name in names} - {""}):
        os.makedirs(f"{root}/{parent}", mode=0o755, exist_ok=True)
    for name in names:
        with open(f"{root}/{name}", "wb") as file:
            file.write(files[name])


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    note = {
        "note": "Written by sitegen; only sitegen replaces this folder.",
        "files": manifest.files,
        "keys": manifest.keys,
    }
    temporary = folder / f"{MARKER}.tmp"
    temporary.write_text(json.dumps(note, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(temporary, folder / MARKER)


def _remove_empty_parents(path: Path, root: Path) -> None:
    folder = path.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


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

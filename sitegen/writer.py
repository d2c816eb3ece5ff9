"""Put a new build in place of the output folder: readers always find the old site or the new one.

Two trees are kept: the output itself, and beside it the previous one (.NAME.spare), which
nobody should read. A build brings the spare up to date in place (writing only the files
that differ), then swaps the two by three renames (output -> .NAME.old, spare -> output,
.NAME.old -> spare). Writing a whole new tree instead costs a mkdir and a file per page: 4 s at 4,000 pages
on this project's ext4 disks, where updating the spare costs what changed.

- The disk is the truth. The record in each tree (MARKER) holds every file's digest and
  render key, the same for the same build; beside the trees, .NAME.sitegen-stats notes each
  file's size, mtime and inode as written. A file whose stats differ is read and hashed, one
  that does not match its digest or is missing is written again, and anything in the spare
  that the record does not name is removed (spare_state). So a file changed, cut short or
  deleted by hand is repaired.
- A kill at any moment leaves the output whole: before the swap it is untouched; between
  the three renames, the next build (recover) puts the right tree back first. A full disk
  or a permission error stops the build before the swap, the output as it was.
- One build at a time per output folder: a lock (lockf) on .NAME.sitegen-lock, which the
  system releases when its process ends, however it ends. A POSIX record lock, not flock:
  forked worker processes do not inherit it, so they cannot hold it after the build is gone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, Problem

log = logging.getLogger("sitegen")
MARKER = ".sitegen-output"  # JSON in each tree: for every file, what it was written as
LOCK_WAIT_S = 600  # how long a build waits for another build of the same output


@dataclass(frozen=True, slots=True)
class Held:
    """A file of the spare tree that is still as it was written."""

    digest: str  # sha256 of its bytes
    key: str  # the render key it was made from ("" for files made on every build)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spare(out: Path) -> Path:
    return out.parent / f".{out.name}.spare"


def spare_state(out: Path) -> dict[str, Held]:
    """The files of the spare tree that are as its record says; removes everything else in it.

    A file whose size, mtime and inode are those noted when it was written (the stats file
    beside the trees) is taken as it is; without that note its bytes are read and hashed."""
    folder = spare(out)
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
        noted = _read_stats(out).get(str(folder.stat().st_ino), {})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        record, noted = {}, {}
    held: dict[str, Held] = {}
    for name, stat in _walk(folder).items():
        entry = record.get(name) if isinstance(record, dict) else None
        if isinstance(entry, list) and len(entry) == 2 and _unchanged(folder / name, stat, entry[0], noted.get(name)):
            held[name] = Held(str(entry[0]), str(entry[1]))
        elif name != MARKER:
            (folder / name).unlink()
            _remove_empty_parents(folder, name)
    return held


def _unchanged(path: Path, stat: os.stat_result, recorded: object, noted: object) -> bool:
    if noted == [stat.st_size, stat.st_mtime_ns, stat.st_ino]:
        return True
    return digest(path.read_bytes()) == recorded


def _read_stats(out: Path) -> dict[str, dict[str, list[int]]]:
    """Tree folder's inode -> file -> [size, mtime, inode] as written (a cache: may be gone)."""
    try:
        found = json.loads(_stats_file(out).read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def _note_stats(out: Path, folder: Path, names: list[str]) -> None:
    """Note the stats of ``folder``'s files, beside those already noted of the tree in ``out``."""
    stats = {}
    for name in names:
        stat = (folder / name).stat()
        stats[name] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    noted = {str(folder.stat().st_ino): stats}
    if out.is_dir():
        live = str(out.stat().st_ino)
        noted[live] = _read_stats(out).get(live, {})
    temporary = out.parent / f".{out.name}.sitegen-stats.tmp"
    temporary.write_text(json.dumps(noted), encoding="utf-8")
    os.replace(temporary, _stats_file(out))


def _stats_file(out: Path) -> Path:
    return out.parent / f".{out.name}.sitegen-stats"


def read_held(out: Path, held: Mapping[str, Held]) -> dict[str, bytes]:
    """The bytes of the held HTML pages of the spare tree (spare_state has just checked them)."""
    folder = spare(out)
    return {name: (folder / name).read_bytes() for name in held if name.endswith(".html")}


def _walk(folder: Path) -> dict[str, os.stat_result]:
    """Every file under ``folder`` by relative path; anything else (links, sockets) is removed."""
    found: dict[str, os.stat_result] = {}
    pending = [""]
    while pending:
        prefix = pending.pop()
        try:
            entries = list(os.scandir(folder / prefix if prefix else folder))
        except FileNotFoundError:
            continue
        if not entries and prefix:  # a folder a killed build made and left empty
            (folder / prefix).rmdir()
            _remove_empty_parents(folder, prefix.rstrip("/"))
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(name + "/")
            elif entry.is_file(follow_symlinks=False):
                found[name] = entry.stat(follow_symlinks=False)
            else:
                os.unlink(entry.path)
    return found


def replace_output(
    out: Path, files: Mapping[str, bytes], keys: Mapping[str, str], held: Mapping[str, Held]
) -> list[str]:
    """Make ``out`` hold ``files`` and the held files named in ``keys``; return what was written.

    ``files``: path -> bytes of what this build made; ``keys``: path -> render key of every
    page, some of which (those not in ``files``) the spare already holds; ``held``: spare_state().
    """
    folder = spare(out)
    wanted = set(files) | set(keys)
    written = []
    try:
        folder.mkdir(mode=0o755, exist_ok=True)
        for name in set(held) - wanted:
            (folder / name).unlink()
            _remove_empty_parents(folder, name)
        for name, data in files.items():
            if name not in held or held[name].digest != digest(data):
                _write(folder / name, data)
                written.append(name)
        record = {name: _entry(name, files, keys, held) for name in sorted(wanted)}
        note = {"note": "Written by sitegen; only sitegen replaces this folder.", "files": record}
        (folder / MARKER).write_text(json.dumps(note, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        _note_stats(out, folder, sorted(wanted))
        _swap(out)
    except OSError as exc:
        raise cannot_write(out, exc) from exc
    return sorted(written)


def cannot_write(out: Path, exc: OSError) -> ConfigError:
    """The problem a failed write is, for the editor (exit 2)."""
    message = f"cannot write the site ({exc.filename or out}: {exc.strerror}); the last site is unchanged"
    return ConfigError([Problem(str(out), 0, message)])


def _entry(name: str, files: Mapping[str, bytes], keys: Mapping[str, str], held: Mapping[str, Held]) -> list[str]:
    """What the record says of one file: its digest and the render key it was made from."""
    data = files.get(name)
    if data is None and held.get(name, Held("", "")).key != keys.get(name):
        raise RuntimeError(f"{name}: neither rendered nor held")  # a bug in the pipeline: never write a stale page
    return [digest(data) if data is not None else held[name].digest, keys.get(name, "")]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a new inode: a hard link made by hand to the old file keeps its bytes
    path.write_bytes(data)


def _remove_empty_parents(folder: Path, name: str) -> None:
    parent = (folder / name).parent
    while parent != folder:
        try:
            parent.rmdir()  # fails unless empty
        except OSError:
            return
        parent = parent.parent


def _swap(out: Path) -> None:
    """Put the spare in place of ``out``, and ``out`` in place of the spare, by three renames.
    Between the first two ``out`` is missing for a few microseconds; a build killed there
    leaves .NAME.old, which recover() puts back. (Linux's renameat2 could swap the two in one
    step, but only through ctypes; the standard library has no call for it.)"""
    old = out.parent / f".{out.name}.old"
    if out.exists():
        out.rename(old)
    try:
        spare(out).rename(out)
    except OSError:
        if old.exists():
            old.rename(out)  # as it was
        raise
    if old.exists():
        old.rename(spare(out))


def recover(out: Path) -> None:
    """Finish the swap of a build killed between its renames (see _swap)."""
    old = out.parent / f".{out.name}.old"
    if not old.is_dir():
        return
    if not out.exists():  # killed after the first rename: the old output comes back
        old.rename(out)
    elif not spare(out).exists():  # after the second: the old output becomes the spare
        old.rename(spare(out))
    else:
        shutil.rmtree(old)


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output's lock, waiting for another build of it to finish, then finish what
    a killed build left half done."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.sitegen-lock", "a") as lock:
        _acquire(lock.fileno(), out)
        try:
            recover(out)
            yield
        finally:
            fcntl.lockf(lock.fileno(), fcntl.LOCK_UN)


def _acquire(fd: int, out: Path) -> None:
    waited = 0.0
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if waited == 0.0:
            log.warning("another build is writing %s: waiting for it to finish", out)
        if waited >= LOCK_WAIT_S:
            message = f"another build has been writing {out} for {LOCK_WAIT_S} s; try again when it has finished"
            raise ConfigError([Problem(str(out), 0, message)])
        time.sleep(0.1)
        waited += 0.1


def check_output_dir(out: Path, root: Path) -> None:
    """Refuse to write where a build could destroy something it did not create."""
    target = out.resolve()
    project = root.resolve()
    shown = str(out)
    forbidden = {Path("/"), Path.home().resolve(), project}
    if target in forbidden or project.is_relative_to(target):
        message = f"{shown} would replace the project or a folder holding it; choose e.g. _site"
        raise ConfigError([Problem("--out", 0, message)])
    for folder in ("content", "templates", "static"):
        if target.is_relative_to(project / folder):
            raise ConfigError(
                [Problem("--out", 0, f"{shown} is inside {folder}/; choose a folder outside the sources")]
            )
    if target.exists() and not target.is_dir():
        raise ConfigError([Problem("--out", 0, f"{shown} is a file, not a folder")])
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        message = f"{shown} already exists and was not written by this generator; refusing to replace it"
        raise ConfigError([Problem("--out", 0, message)])

"""Knowing at once that a source changed: Linux inotify through ctypes, polling elsewhere.

Polling costs a stat() of every watched file each round (~40 ms at 4,000 articles) and adds
half a round of delay on average; inotify tells us about a save as it happens and costs
nothing while nothing changes. ``Inotify`` watches folders (and the folders created inside
them later); ``available()`` says whether it can be used here. The dev server (serve.py)
still compares snapshots of the files before rebuilding, so a missed or overflowing event
queue can only delay a rebuild until the next slow poll, never lose a change.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
import sys
from pathlib import Path

IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_ISDIR = 0x40000000
MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
)
EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of name


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1  # noqa: B018  # present?
        libc.inotify_add_watch  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def available() -> bool:
    return _libc() is not None


class Inotify:
    """Watches folders recursively; ``fd`` becomes readable when something changed."""

    def __init__(self, folders: list[Path]) -> None:
        libc = _libc()
        if libc is None:
            raise OSError(errno.ENOSYS, "inotify is not available")
        self.libc = libc
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.folders: dict[int, Path] = {}
        self.trees: set[Path] = set()  # folders watched with the folders inside them
        # Files events were reported for since the last take(); None: something happened
        # that names no single file (a folder created, moved or deleted, a lost event).
        self.touched: set[Path] | None = set()
        for folder in folders:
            self.add_tree(folder)

    def add(self, folder: Path) -> None:
        """Watch ``folder`` itself, not the folders in it."""
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), MASK)
        if wd >= 0:
            self.folders[wd] = folder

    def add_tree(self, folder: Path) -> None:
        """Watch ``folder`` and every folder under it (not following symlinks)."""
        pending = [folder]
        while pending:
            current = pending.pop()
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(current), MASK)
            if wd < 0:
                continue  # gone already, or not a folder: the snapshot comparison still sees it
            self.folders[wd] = current
            self.trees.add(current)
            try:
                pending += [Path(e.path) for e in os.scandir(current) if e.is_dir(follow_symlinks=False)]
            except OSError:
                continue

    def read(self) -> bool:
        """Consume pending events; True if any. New folders are watched as they appear."""
        changed = False
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return changed
            except OSError:
                self.touched = None
                return True
            if not data:
                return changed
            changed = True
            offset = 0
            while offset + EVENT.size <= len(data):
                wd, mask, _, length = EVENT.unpack_from(data, offset)
                name = data[offset + EVENT.size : offset + EVENT.size + length].rstrip(b"\0")
                offset += EVENT.size + length
                folder = self.folders.get(wd)
                if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO) and folder in self.trees:
                    self.add_tree(folder / os.fsdecode(name))
                if folder is None or not name or mask & (IN_ISDIR | IN_Q_OVERFLOW):
                    self.touched = None
                elif self.touched is not None:
                    self.touched.add(folder / os.fsdecode(name))

    def take(self) -> set[Path] | None:
        """The files events were reported for since the last call (None: look at everything)."""
        touched, self.touched = self.touched, set()
        return touched

    def close(self) -> None:
        os.close(self.fd)

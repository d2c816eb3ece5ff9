"""Saves to a project's sources, grouped into bursts: what the dev server rebuilds after.

watchfiles (Rust's notify: inotify, FSEvents, ReadDirectoryChangesW) does the watching, in
two threads: content/, templates/ and static/ recursively, and the project folder itself
without its subfolders, for site.yaml. A file is watched through its folder because editors
that save by renaming a new file over the old one end a watch on the file itself; the
project folder is not watched recursively because the output folder and .cache/ live in it.

The grouping is ours: watchfiles ends a group as soon as no *new* path turns up for one
step, so twenty saves of one file come out as several groups. A burst here ends once
nothing changed for QUIET_S (or MAX_WAIT_S after it began), and what changes while the
server rebuilds waits in the queue: one more burst, one more rebuild.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from .content import ignored_name

log = logging.getLogger("sitegen")

SOURCE_FOLDERS = ("content", "templates", "static")
STEP_MS = 5  # how often watchfiles looks for new events; each look takes the GIL (~1% of a core, idle)
QUIET_S = 0.03  # a burst is over once nothing changed for this long
MAX_WAIT_S = 1.0  # rebuild even if saves keep coming for this long
READY_TIMEOUT_S = 10.0  # how long start() waits for the watches to be in place


def is_source(root: Path, path: Path) -> bool:
    """Whether a change to ``path`` can change the site: site.yaml, or a file under a source
    folder that no part of its name marks as an editor's scratch file (content.ignored_name)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if parts == ("site.yaml",):
        return True
    return len(parts) > 1 and parts[0] in SOURCE_FOLDERS and not any(ignored_name(part) for part in parts[1:])


class Edits:
    """The bursts of saves under ``root``: start(), then next_burst() until stop()."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.changes: queue.Queue[set[Path] | None] = queue.Queue()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start watching; return once every watch is in place, so no save after this is missed."""
        folders = [self.root / name for name in SOURCE_FOLDERS if (self.root / name).is_dir()]
        for paths, recursive in ((folders, True), ([self.root], False)):
            if paths:
                ready = threading.Event()
                thread = threading.Thread(target=self.watch, args=(paths, recursive, ready), daemon=True)
                thread.start()
                ready.wait(READY_TIMEOUT_S)
                self.threads.append(thread)

    def watch(self, paths: list[Path], recursive: bool, ready: threading.Event) -> None:
        """One watcher thread: put each group of changes to sources into the queue. Where the
        system will not watch (inotify's limit on watches reached, say), poll instead."""
        for polling in (False, True):
            try:
                for group in self.groups(paths, recursive, polling):
                    ready.set()
                    if group:
                        self.changes.put({Path(path) for _, path in group})
                return
            except (OSError, RuntimeError) as exc:  # RuntimeError: WatchfilesRustInternalError
                shown = ", ".join(map(str, paths))
                log.warning("cannot watch %s for saves (%s)%s", shown, exc, "" if polling else ": polling instead")
        ready.set()

    def groups(self, paths: list[Path], recursive: bool, polling: bool) -> Iterator[set[tuple[watchfiles.Change, str]]]:
        """watchfiles' groups of changes to sources. With rust_timeout and yield_on_timeout an
        empty group comes now and then; the first says the watches are in place."""

        def wanted(_: watchfiles.Change, path: str) -> bool:
            return is_source(self.root, Path(path))

        return watchfiles.watch(
            *paths,
            watch_filter=wanted,
            recursive=recursive,
            force_polling=True if polling else None,  # None: as WATCHFILES_FORCE_POLLING says
            step=STEP_MS,
            rust_timeout=100,
            yield_on_timeout=True,
            stop_event=self.stopping,
        )

    def next_burst(self) -> set[Path] | None:
        """Wait for a change, then for the burst it starts to end; the files it touched.
        None once stop() was called."""
        first = self.changes.get()
        if first is None:
            return None
        burst = set(first)
        deadline = time.monotonic() + MAX_WAIT_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                more = self.changes.get(timeout=min(QUIET_S, left))
            except queue.Empty:
                break
            if more is None:
                self.changes.put(None)  # for the next call
                break
            burst |= more
        return burst

    def stop(self) -> None:
        self.stopping.set()
        self.changes.put(None)
        for thread in self.threads:
            thread.join(timeout=5)

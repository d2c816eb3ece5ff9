"""A persistent store of bytes by key, in one sqlite3 file: the build's cache.

It knows nothing of pages (what an entry holds is entries.py's business). Every value is
kept with a sha256 of its key and bytes, checked on every read: a value damaged on disk,
cut short or filed under another key is reported as missing, never returned. A file that
sqlite itself finds damaged, or that is not a database at all, makes the store empty: it is
moved aside and made anew when the store is written. sqlite's transactions mean a build that
is killed while writing leaves the last complete set of entries.

``Store(None)`` keeps everything in memory (``--no-cache``, tests). ``writable=False`` reads
only (``check`` writes nothing). One Store may be used from one thread at a time (the dev
server builds in a thread of its own).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger("sitegen")
SCHEMA = "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, checksum BLOB NOT NULL, value BLOB NOT NULL)"
PATH = ".cache/sitegen.sqlite"  # under the project: where build.py and the dev server keep it
BATCH = 500  # keys per SELECT: sqlite allows 32,766 parameters, but smaller queries start sooner


def checksum(key: str, value: bytes) -> bytes:
    return hashlib.sha256(key.encode() + b"\0" + value).digest()


class Store:
    """get/put bytes by key; every failure of the file is a miss, never an error."""

    def __init__(self, path: Path | None = None, *, writable: bool = True) -> None:
        self.path = path
        self.writable = writable
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is None or (not self.writable and not self.path.is_file()):
            return _memory()
        try:
            if self.writable:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            uri = f"{self.path.resolve().as_uri()}?mode={'rwc' if self.writable else 'ro'}"
            db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
            if self.writable:
                db.execute(
                    "PRAGMA synchronous = OFF"
                )  # a cache: a kill keeps its transactions whole; power loss may damage it, which reads detect
                db.execute(SCHEMA)
            db.execute("SELECT count(*) FROM entries").fetchone()  # fails here if the file is not a database
            return db
        except (sqlite3.Error, OSError) as exc:
            return self._start_afresh(exc)

    def _start_afresh(self, exc: Exception) -> sqlite3.Connection:
        """Forget a damaged file: moved aside (when writable) so that a new one is made."""
        log.info("cache %s ignored (%s)", self.path, exc)
        if self.path is not None and self.writable:
            try:
                self.path.replace(self.path.with_name(self.path.name + ".damaged"))
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                db.execute(SCHEMA)
                return db
            except (sqlite3.Error, OSError) as again:
                log.info("cache %s cannot be made anew (%s): building without it", self.path, again)
        return _memory()

    def get(self, key: str) -> bytes | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The values of those ``keys`` that are stored intact."""
        wanted = list(keys)
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(wanted), BATCH):
                batch = wanted[start : start + BATCH]
                marks = ",".join("?" * len(batch))
                query = f"SELECT key, checksum, value FROM entries WHERE key IN ({marks})"
                for key, check, value in self.db.execute(query, batch):
                    if isinstance(key, str) and isinstance(value, bytes) and check == checksum(key, value):
                        found[key] = value
                    else:
                        log.info("cache entry %s ignored: its checksum does not match", str(key)[:16])
        except sqlite3.Error as exc:
            self.db = self._start_afresh(exc)
            return {}
        return found

    def put_many(self, items: Mapping[str, bytes]) -> None:
        """Store every item in one transaction (all or none)."""
        if not self.writable or not items:
            return
        rows = [(key, checksum(key, value), value) for key, value in items.items()]
        try:
            with self.db:  # a transaction: commits, or rolls back on an error
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
        except sqlite3.Error as exc:
            log.info("cache not written (%s)", exc)

    def keep_only(self, keys: Iterable[str]) -> None:
        """Drop every entry but ``keys`` (those the last build used), so the file does not grow for ever."""
        if not self.writable:
            return
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM used")
                self.db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((key,) for key in keys))
                self.db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error as exc:
            log.info("cache not tidied (%s)", exc)

    def close(self) -> None:
        self.db.close()


def _memory() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db.execute(SCHEMA)
    return db

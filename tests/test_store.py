"""The cache (sitegen/store.py, sitegen/entries.py): whatever happens to its file, a build
gives exactly the output of a cold build."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.entries import decode_entry, encode_entry
from sitegen.pipeline import Options, build
from sitegen.store import Store, checksum

BUILD_CACHE = ".cache/sitegen.sqlite"


def built_files(root: Path, store: Store) -> dict[str, bytes]:
    return build(load_config(root, base_url="/"), Options(search=False), store).files


def test_a_store_gives_back_what_was_put(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.put_many({"a": b"one", "b": b"two"})
    store.close()
    again = Store(tmp_path / "s.sqlite")
    assert again.get_many(["a", "b", "c"]) == {"a": b"one", "b": b"two"}
    again.keep_only(["b"])
    assert again.get("a") is None and again.get("b") == b"two"


def test_a_value_filed_under_another_key_is_not_returned(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).put_many({"a": b"one", "b": b"two"})
    with sqlite3.connect(path) as db:  # b's value, with b's own checksum, moved under a
        db.execute("UPDATE entries SET value = ?, checksum = ? WHERE key = 'a'", (b"two", checksum("b", b"two")))
    assert Store(path).get_many(["a", "b"]) == {"b": b"two"}


def test_a_read_only_store_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store(path, writable=False)
    store.put_many({"a": b"one"})
    assert not path.exists()


def test_an_entry_survives_its_round_trip_and_garbage_is_no_entry(make_site: Callable[..., Path]) -> None:
    root = make_site()
    store = Store(None)
    built_files(root, store)
    values = store.get_many(row[0] for row in store.db.execute("SELECT key FROM entries"))
    assert values
    for value in values.values():
        entry = decode_entry(value)
        assert entry is not None and encode_entry(entry) == value
    for garbage in (b"", b"{}", b"[1, 2]", b'{"page": {"title": 1}}', b"\xff\xfe", b'{"page": {"$x": 1}}'):
        assert decode_entry(garbage) is None


def damaged_copies(data: bytes) -> dict[str, bytes]:
    """The store's file with one byte flipped at 48 places spread over every page of it,
    cut short, emptied, and replaced by garbage."""
    step = max(1, len(data) // 48)
    copies = {f"flip-{at}": data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :] for at in range(7, len(data), step)}
    copies |= {"header": b"X" + data[1:], "truncate": data[: len(data) // 2], "empty": b"", "garbage": b"garbage" * 99}
    return copies


@pytest.mark.slow
def test_a_build_with_a_damaged_cache_gives_the_output_of_a_cold_build(
    make_site: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    root = make_site()
    cold = built_files(root, Store(None))
    path = root / BUILD_CACHE
    store = Store(path)
    assert built_files(root, store) == cold
    store.close()
    pristine = path.read_bytes()
    assert len(pristine) > 4096  # more than the header page: entries are in it
    noticed = 0
    for name, damaged in damaged_copies(pristine).items():
        caplog.clear()
        path.write_bytes(damaged)
        for leftover in path.parent.glob("*.damaged"):
            leftover.unlink()
        with caplog.at_level(logging.INFO, logger="sitegen"):
            store = Store(path)
            assert built_files(root, store) == cold, name
        store.close()
        noticed += any("ignored" in record.getMessage() for record in caplog.records)
        again = Store(path)  # what the damaged build left is a store the next build can use
        assert built_files(root, again) == cold, name
        again.close()
    assert noticed >= 10  # damage was seen (the rest fell on unused space, which nothing reads)
    shutil.rmtree(path.parent)

"""Saves grouped into bursts (sitegen/edits.py), with real files and the real watchers."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.edits import QUIET_S, Edits, is_source


@pytest.fixture
def edits(tmp_path: Path) -> Iterator[Edits]:
    for folder in ("content/articles", "templates", "static", "_site", ".cache"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "site.yaml").write_text("title: x\n")
    watching = Edits(tmp_path)
    watching.start()
    yield watching
    watching.stop()


def next_burst(edits: Edits, timeout: float = 10) -> set[str] | None:
    """The next burst, as paths relative to the project; fails rather than wait for ever."""
    found: list[set[Path] | None] = []
    thread = threading.Thread(target=lambda: found.append(edits.next_burst()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert found, "no burst came"
    burst = found[0]
    return None if burst is None else {path.relative_to(edits.root).as_posix() for path in burst}


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("site.yaml", True),
        ("content/articles/a.md", True),
        ("templates/base.html", True),
        ("static/style.css", True),
        ("content/articles/.a.md.swp", False),
        ("content/articles/a.md~", False),
        ("content/.git/index", False),
        ("content", False),
        ("_site/index.html", False),
        (".cache/store.sqlite", False),
        ("site.yaml.new", False),
        ("notes/site.yaml", False),
    ],
)
def test_which_files_are_sources(tmp_path: Path, name: str, source: bool) -> None:
    assert is_source(tmp_path, tmp_path / name) is source
    assert not is_source(tmp_path / "project", tmp_path / name)  # outside the project


def test_many_saves_of_one_file_are_one_burst(edits: Edits) -> None:
    bursts: list[set[Path]] = []
    collector = threading.Thread(target=lambda: bursts.extend(iter(edits.next_burst, None)), daemon=True)
    collector.start()  # waiting, as the server's rebuild thread is, while the saves come
    article = edits.root / "content/articles/a.md"
    saved = []
    for index in range(20):
        article.write_text(f"save {index}")
        saved.append(time.monotonic())
        time.sleep(0.005)
    time.sleep(0.3)
    (edits.root / "static/style.css").write_text("a {}")  # well after the burst: one of its own
    time.sleep(0.3)
    edits.stop()
    collector.join(5)
    shown = [{path.relative_to(edits.root).as_posix() for path in burst} for burst in bursts]
    stalls = sum(b - a > QUIET_S for a, b in itertools.pairwise(saved))  # a busy machine paused this test
    assert 1 <= len(shown) - 1 <= 1 + stalls, shown
    assert shown[:-1] == [{"content/articles/a.md"}] * (len(shown) - 1) and shown[-1] == {"static/style.css"}


def test_a_save_while_the_last_burst_is_handled_is_one_more_burst(edits: Edits) -> None:
    (edits.root / "content/articles/a.md").write_text("first")
    assert next_burst(edits) == {"content/articles/a.md"}
    (edits.root / "content/articles/b.md").write_text("during the rebuild")
    time.sleep(0.3)  # the rebuild, during which nobody asks for the next burst
    assert next_burst(edits) == {"content/articles/b.md"}


def test_output_cache_and_scratch_files_are_not_edits(edits: Edits) -> None:
    (edits.root / "_site/index.html").write_text("built")
    (edits.root / ".cache/store.sqlite").write_text("cached")
    (edits.root / "content/articles/.a.md.swp").write_text("vim")
    (edits.root / "notes.txt").write_text("not a source")
    time.sleep(0.2)
    (edits.root / "templates/base.html").write_text("<html>")
    assert next_burst(edits) == {"templates/base.html"}


def test_site_yaml_replaced_by_rename_is_seen_each_time(edits: Edits) -> None:
    for text in ("title: one\n", "title: two\n"):
        (edits.root / "site.yaml.new").write_text(text)
        os.replace(edits.root / "site.yaml.new", edits.root / "site.yaml")
        assert next_burst(edits) == {"site.yaml"}


def test_new_folders_are_watched(edits: Edits) -> None:
    (edits.root / "content/new/deeper").mkdir(parents=True)
    assert "content/new" in (next_burst(edits) or ())  # "deeper" may come before "new" is watched: no matter
    (edits.root / "content/new/deeper/c.md").write_text("new")
    assert next_burst(edits) == {"content/new/deeper/c.md"}


def test_stop_ends_the_bursts(edits: Edits) -> None:
    edits.stop()
    assert next_burst(edits) is None
    assert not any(thread.is_alive() for thread in edits.threads)

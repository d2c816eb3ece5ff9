"""A build that reuses the cache and the last output is byte-identical to a cold build,
after every kind of change (damaged caches and outputs: test_store.py, test_writer.py)."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import GOOD_BODY, REFERENCES, article, run_build
from test_build import tree_digest

from sitegen.config import load_config
from sitegen.errors import SiteError
from sitegen.pipeline import Built, Options, build
from sitegen.store import Store


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new))


GAMMA = article("gamma", 3, GOOD_BODY["beta"])
CHANGES: dict[str, Callable[[Path], None]] = {
    "article-body": lambda r: edit(r, "content/articles/beta.md", "See [alpha]", "Now see [alpha]"),
    "title": lambda r: edit(r, "content/articles/alpha.md", 'title: "Alpha"', 'title: "Alpha, renamed"'),
    "front-matter": lambda r: edit(r, "content/articles/beta.md", "evidence: limited", "evidence: mixed"),
    "bibliography": lambda r: edit(r, "content/references.yaml", '"A meta-analysis"', '"A meta-analysis, corrected"'),
    "glossary": lambda r: edit(r, "content/glossary.yaml", "adrenal glands", "adrenal glands (above the kidneys)"),
    "template": lambda r: edit(r, "templates/base.html", "Skip to content", "Skip to the content"),
    "static-file": lambda r: (r / "static/style.css").write_text((r / "static/style.css").read_text() + "\np{}\n"),
    "site-yaml": lambda r: edit(r, "site.yaml", 'tagline: "A tagline"', 'tagline: "Another tagline"'),
    "new-article": lambda r: (r / "content/articles/gamma.md").write_text(GAMMA),
    "rename": lambda r: (r / "content/articles/gamma.md").rename(r / "content/articles/delta.md"),
    "deletion": lambda r: (r / "content/articles/delta.md").unlink(),
}


def cold_build(root: Path, tmp_path: Path, *options: str) -> Path:
    """A build of a copy of ``root`` without its cache, by a new process (nothing kept in memory)."""
    copy = tmp_path / "cold-project"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".cache", "_site*"))
    out = tmp_path / "cold-out"
    shutil.rmtree(out, ignore_errors=True)
    result = run_build("--project", copy, "build", *options, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_incremental_build_equals_cold_build_after_each_change(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = root / "_site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    for name, change in CHANGES.items():  # in order: rename and deletion act on the new article
        change(root)
        result = run_build("--project", root, "build", "--out", out)
        assert result.returncode == 0, (name, result.stderr)
        assert tree_digest(out) == tree_digest(cold_build(root, tmp_path)), name


def test_a_rebuild_writes_only_what_changed(make_site: Callable[..., Path]) -> None:
    root = make_site()
    out = root / "_site"
    for _ in range(2):  # the second build makes the spare tree the next one updates
        assert run_build("--project", root, "build", "--no-search", "--out", out).returncode == 0
    CHANGES["article-body"](root)
    result = run_build("--project", root, "--debug", "build", "--no-search", "--out", out)
    assert result.returncode == 0, result.stderr
    written = re.search(r"(\d+) of (\d+) files changed", result.stderr)
    assert written is not None, result.stderr
    assert written.group(1) == "1", result.stderr  # beta alone: nothing else shows its text
    assert "Now see" in (out / "beta" / "index.html").read_text()


def test_in_process_rebuilds_reusing_the_last_build_equal_a_cold_build(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """The dev server hands each build to the next (Built.as_last): after every kind of change
    the result is what a cold build writes, and a body edit that breaks a link is caught."""
    root = make_site()
    store = Store(None)
    last: Built | None = None

    def rebuild() -> dict[str, str]:
        nonlocal last
        last = build(load_config(root, base_url="/"), Options(search=False), store, last.as_last() if last else None)
        return {path: hashlib.sha256(data).hexdigest() for path, data in last.files.items()}

    def cold() -> dict[str, str]:
        return tree_digest(cold_build(root, tmp_path, "--base-url", "/", "--no-search"))

    rebuild()
    for name, change in CHANGES.items():
        change(root)
        assert rebuild() == cold(), name
    breaking = {
        "broken-anchor-in-edited-page": ("content/articles/beta.md", "[alpha](alpha.md)", "[alpha](alpha.md#nowhere)"),
        "anchor-removed-that-another-page-links-to": ("content/articles/beta.md", "## What", "## What else"),
    }
    for name, (path, old, new) in breaking.items():
        good = (root / path).read_text()
        edit(root, path, old, new)
        with pytest.raises(SiteError) as caught:
            rebuild()
        assert any("#nowhere" in p.message or '"#what"' in p.message for p in caught.value.problems), name
        (root / path).write_text(good)
        assert rebuild() == cold(), name


def test_a_rebuild_still_catches_links_broken_by_a_body_edit(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A body edit that breaks a link is caught whether the edited page is the one linking
    or the one linked to, and fixing it gives a cold build's output again."""
    root = make_site()
    out = root / "_site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    breaking = {
        ("content/articles/beta.md", "[alpha](alpha.md)", "[alpha](alpha.md#nowhere)"): '"#nowhere"',
        ("content/articles/beta.md", "## What", "## What else"): '"#what"',
    }
    for (path, old, new), shown in breaking.items():
        good = (root / path).read_text()
        edit(root, path, old, new)
        failed = run_build("--project", root, "build", "--out", out)
        assert failed.returncode == 1 and shown in failed.stderr, failed.stderr
        assert "content/articles/" in failed.stderr and "Traceback" not in failed.stderr
        (root / path).write_text(good)
        assert run_build("--project", root, "build", "--out", out).returncode == 0
        assert tree_digest(out) == tree_digest(cold_build(root, tmp_path)), path


def test_problems_in_the_bibliography_are_reported_on_every_build(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/references.yaml": REFERENCES + "  - id: nameless2020\n    year: 2020\n"})
    runs = [run_build("--project", root, "build", "--out", root / "_site") for _ in range(2)]
    for result in runs:
        assert result.returncode == 1
        assert 'content/references.yaml:16: source "nameless2020" needs authors and title' in result.stderr

"""A build that reuses the cache and the last output is byte-identical to a cold build,
after every kind of change; a corrupt cache is detected and never trusted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import GOOD_BODY, REFERENCES, article, run_build
from test_build import tree_digest

from sitegen.cache import BuildCache
from sitegen.config import load_config
from sitegen.errors import SiteError
from sitegen.pipeline import Options, build_to


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


def test_unchanged_pages_are_kept_not_rewritten(make_site: Callable[..., Path]) -> None:
    root = make_site()
    out = root / "_site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    alpha = out / "alpha" / "index.html"
    before = alpha.stat().st_mtime_ns
    CHANGES["article-body"](root)
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    assert alpha.stat().st_mtime_ns == before
    assert "Now see" in (out / "beta" / "index.html").read_text()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip-a-byte"])
def test_a_damaged_cache_is_ignored(make_site: Callable[..., Path], tmp_path: Path, damage: str) -> None:
    root = make_site()
    out = root / "_site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    files = sorted((root / ".cache").glob("*.marshal"))
    assert len(files) > 2  # entries in shards by key, and the file digests
    damaged = {}
    for cache in files:
        data = cache.read_bytes()
        damaged[cache] = {
            "truncate": data[: len(data) // 2],
            "garbage": b"not a cache at all",
            "flip-a-byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
        }[damage]
        cache.write_bytes(damaged[cache])
    CHANGES["article-body"](root)
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 0, result.stderr
    assert tree_digest(out) == tree_digest(cold_build(root, tmp_path))
    for (
        cache,
        bad,
    ) in damaged.items():  # every damaged file was rebuilt and rewritten, or removed if nothing is left in it
        assert not cache.exists() or cache.read_bytes() != bad, cache


@pytest.mark.parametrize("change", ["article-body", "template"])
def test_a_build_missing_bodies_the_cache_promised_builds_again_without_it(
    make_site: Callable[..., Path], tmp_path: Path, change: str
) -> None:
    """Entries' bodies (renderings, search words) are read only when needed, after the heads:
    if they are gone by then (another build, a damaged disk), the build starts again cold."""
    root = make_site()
    out = root / "_site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    bodies = sorted((root / ".cache").glob("bodies-*.marshal"))
    assert bodies and list((root / ".cache").glob("sources-*.marshal"))  # heads stay
    for path in bodies:
        path.unlink()
    CHANGES[change](root)  # the edited page links to another: its ids are in that page's body
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 0, result.stderr
    assert tree_digest(out) == tree_digest(cold_build(root, tmp_path))
    cold_cache = tmp_path / "cold-project" / ".cache"
    names = sorted(path.name for path in (root / ".cache").glob("bodies-*.marshal"))
    assert names == sorted(path.name for path in cold_cache.glob("bodies-*.marshal"))  # written again in full


def test_problems_in_the_bibliography_are_reported_again_by_a_build_that_reads_it_from_the_cache(
    make_site: Callable[..., Path],
) -> None:
    """The bibliography and glossary, as read, are kept in the cache's state with their problems."""
    root = make_site({"content/references.yaml": REFERENCES + "  - id: nameless2020\n    year: 2020\n"})
    runs = [run_build("--project", root, "build", "--out", root / "_site") for _ in range(2)]
    assert list((root / ".cache").glob("load_bibliography.marshal"))  # the second run read it from there
    for result in runs:
        assert result.returncode == 1
        assert 'content/references.yaml:16: source "nameless2020" needs authors and title' in result.stderr


def test_dev_server_rebuilds_reusing_the_last_load_equal_a_cold_build(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """The dev server passes each build's Loaded to the next (pipeline.unchanged_outside):
    after every kind of change its output is what a cold build writes, and a body edit that
    breaks a link is still caught, whether or not the last site index is reused."""
    root = make_site()
    cache, last = BuildCache(), None

    def rebuild(out: Path) -> None:
        nonlocal last
        result = build_to(load_config(root, base_url="/"), Options(search=False), out, cache, last)
        last = result.loaded

    def cold() -> dict[str, str]:
        return tree_digest(cold_build(root, tmp_path, "--base-url", "/", "--no-search"))

    out = tmp_path / "preview"
    rebuild(out)
    reused = []
    for name, change in CHANGES.items():
        before = last
        change(root)
        rebuild(out)
        assert tree_digest(out) == cold(), name
        if before and last and last.site.edges is before.site.edges:  # Site.updated() shares its indexes
            reused.append(name)
    assert reused == ["article-body", "template"]

    breaking = {  # body edits: the first keeps what other pages show (the index is reused), the second does not
        "broken-anchor-in-edited-page": ("content/articles/beta.md", "[alpha](alpha.md)", "[alpha](alpha.md#nowhere)"),
        "anchor-removed-that-another-page-links-to": ("content/articles/beta.md", "## What", "## What else"),
    }
    for name, (path, old, new) in breaking.items():
        good = (root / path).read_text()
        edit(root, path, old, new)
        with pytest.raises(SiteError) as caught:
            rebuild(out)
        assert any("#nowhere" in p.message or '"#what"' in p.message for p in caught.value.problems), name
        (root / path).write_text(good)
        rebuild(out)
        assert tree_digest(out) == cold(), name


def test_a_build_reusing_the_last_site_checks_still_catches_broken_links(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """Builds keep the links between pages and each page's site checks in .cache/ (reused
    while nothing the index uses has changed): a body edit that breaks a link is caught
    whether the edited page is the one linking or the one linked to."""
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

"""The output folder always holds the last complete site or the new one (sitegen/writer.py):
builds killed at any moment, run two at once, stopped by a full disk, or run over files
damaged by hand."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import ROOT, article, run_build
from test_build import tree_digest

from sitegen.writer import MARKER, recover

BODY = "## Why\n\nCortisol, again [@cohen1991].\n\n## What\n\nSee [alpha](alpha.md#what) [@moyer2004].\n"


def many(count: int, word: str) -> dict[str, str]:
    return {f"content/articles/x{i:03d}.md": article(f"x{i:03d}", 10 + i, BODY + f"\n{word}\n") for i in range(count)}


def start_build(root: Path, out: Path, *extra: str, **popen: object) -> subprocess.Popen[str]:
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(root), "build", "--out", str(out), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)  # type: ignore[call-overload]


def leftovers(out: Path) -> list[str]:
    return sorted(
        p.name
        for p in out.parent.glob(f".{out.name}.*")
        if not p.name.endswith((".sitegen-lock", ".sitegen-stats", ".spare"))
    )


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site(many(120, "First version."))
    out = tmp_path / "site"
    assert run_build("--project", root, "build", "--out", out, "--no-cache").returncode == 0
    old = tree_digest(out)
    for path in root.glob("content/articles/x*.md"):
        path.write_text(path.read_text().replace("First version.", "Second version."))
    started = time.monotonic()
    assert run_build("--project", root, "build", "--out", tmp_path / "new", "--no-cache").returncode == 0
    new = tree_digest(tmp_path / "new")
    took = time.monotonic() - started
    assert old != new
    outcomes = []
    for step in range(1, 13):  # kills spread over the whole build, each after a clean start
        process = start_build(root, out, "--no-cache")
        time.sleep(took * step / 12)
        process.send_signal(signal.SIGKILL)
        process.wait()
        recover(out)  # what the next build does first, under the output's lock
        now = tree_digest(out)
        assert now in (old, new), f"kill {step}: a mix of old and new"
        outcomes.append("new" if now == new else "old")
        if now == new:  # start again from the old site, to kill the next build later in its course
            for path in root.glob("content/articles/x*.md"):
                path.write_text(path.read_text().replace("Second version.", "First version."))
            assert run_build("--project", root, "build", "--out", out, "--no-cache").returncode == 0
            assert tree_digest(out) == old
            for path in root.glob("content/articles/x*.md"):
                path.write_text(path.read_text().replace("First version.", "Second version."))
        assert not leftovers(out), leftovers(out)
    assert "old" in outcomes  # some kills landed before the swap
    assert run_build("--project", root, "build", "--out", out, "--no-cache").returncode == 0
    assert tree_digest(out) == new


def test_the_next_build_puts_back_a_site_moved_aside_by_a_killed_build(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """Killed between the renames of its swap, a build leaves the old tree aside."""
    root = make_site()
    out = tmp_path / "site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    old = tree_digest(out)
    out.rename(tmp_path / ".site.old")  # killed after the first rename
    assert run_build("--project", root, "check").returncode == 0
    assert not out.exists()  # check writes nothing, and tidies nothing
    recover(out)
    assert tree_digest(out) == old and not leftovers(out)
    edit = root / "content" / "articles" / "alpha.md"
    edit.write_text(edit.read_text().replace("title: ", "title: New ", 1))
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    new = tree_digest(out)
    out.rename(tmp_path / ".site.old")  # killed after the second: the new tree is in place, the old aside
    (tmp_path / ".site.spare").rename(out)
    recover(out)
    assert tree_digest(out) == old and (tmp_path / ".site.spare").is_dir() and not leftovers(out)
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    assert tree_digest(out) == new


def test_two_builds_at_once_never_interleave(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site(many(60, "First version."))
    out = tmp_path / "site"
    first = start_build(root, out)
    time.sleep(0.3)
    for path in root.glob("content/articles/x*.md"):
        path.write_text(path.read_text().replace("First version.", "Second version."))
    second = start_build(root, out)
    for process in (first, second):
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert not leftovers(out)
    cold = tmp_path / "cold"
    assert run_build("--project", root, "build", "--out", cold, "--no-cache").returncode == 0
    assert tree_digest(out) == tree_digest(cold)


def test_files_damaged_by_hand_are_written_again(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = tmp_path / "site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    good = tree_digest(out)
    (out / "alpha" / "index.html").write_bytes((out / "alpha" / "index.html").read_bytes()[:100])  # truncated
    page = out / "beta" / "index.html"
    page.write_text(page.read_text().replace("Beta", "Bet"))  # edited, same folder
    (out / "index.html").unlink()
    (out / "stray.html").write_text("not ours")
    (out / MARKER).write_text("{ not json")
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    assert tree_digest(out) == good


def test_a_full_disk_leaves_the_last_site_as_it_was(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A file size limit (RLIMIT_FSIZE) makes writing fail part-way, as a full disk would."""
    root = make_site()
    out = tmp_path / "site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    old = tree_digest(out)
    (root / "templates" / "base.html").write_text((root / "templates" / "base.html").read_text() + "<!-- x -->\n" * 400)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    process = start_build(root, out, "--no-cache", "--no-search", preexec_fn=small_files)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stderr
    assert "cannot write the site" in stderr and "the last site is unchanged" in stderr and "Traceback" not in stderr
    assert tree_digest(out) == old and not leftovers(out)


def test_the_lock_is_released_when_its_holder_dies(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = tmp_path / "site"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'a'); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(60)",
            str(tmp_path / ".site.sitegen-lock"),
        ]
    )
    time.sleep(0.5)
    waiting = start_build(root, out)
    time.sleep(1.0)
    assert waiting.poll() is None  # it waits for the holder
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert "another build is writing" in stderr


def test_the_record_in_the_output_is_the_same_for_the_same_build(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """What a reader of the folder sees is the same bytes for the same site, the record
    included: the stats that spot hand edits quickly live beside the trees, not in them."""
    root = make_site()
    for out in (tmp_path / "one", tmp_path / "two"):
        assert run_build("--project", root, "build", "--no-search", "--out", out).returncode == 0
    assert (tmp_path / "one" / MARKER).read_bytes() == (tmp_path / "two" / MARKER).read_bytes()


def test_a_spare_file_edited_by_hand_without_a_trace_in_its_stats_is_caught_by_its_digest(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site()
    out = tmp_path / "site"
    for _ in range(2):
        assert run_build("--project", root, "build", "--no-search", "--out", out).returncode == 0
    good = tree_digest(out)
    page = tmp_path / ".site.spare" / "alpha" / "index.html"
    stat = page.stat()
    page.write_bytes(page.read_bytes().replace(b"Alpha", b"Alfa"))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the mtime put back, the size the same
    (tmp_path / ".site.sitegen-stats").unlink()  # and no note of stats to go by
    assert run_build("--project", root, "build", "--no-search", "--out", out).returncode == 0
    assert tree_digest(out) == good

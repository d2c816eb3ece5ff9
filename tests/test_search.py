"""search.search_files: Pagefind's bundle made from HTML in memory (the real Pagefind binary)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sitegen import search
from sitegen.search import search_files


def page(title: str, text: str, evidence: str = "", tags: tuple[str, ...] = ()) -> bytes:
    """A page marked up as templates/article.html marks it for Pagefind (the title: its first h1)."""
    rating = f'<span data-pagefind-filter="evidence" data-pagefind-meta="evidence_label">{evidence}</span>'
    marks = (f'<div data-pagefind-meta="evidence:{evidence.split()[0].lower()}">{rating}</div>' if evidence else "") + (
        "".join(f'<span hidden data-pagefind-filter="tag">{t}</span>' for t in tags)
    )
    return f"""<!doctype html><html lang="en"><head><title>{title} | Site</title></head><body>
<nav>Navigation words: zebra</nav>
<article><h1>{title}</h1><p data-pagefind-meta="summary">About {title}.</p>{marks}
<div class="prose" data-pagefind-body><p>{text}</p></div><ol class="references"><li>Quokka et al.</li></ol></article>
<footer>Footer words: yak</footer></body></html>""".encode()


def records(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """Each indexed page's record (Pagefind's fragment files), by URL."""
    found = {}
    for name, data in files.items():
        if name.startswith("pagefind/fragment/"):
            raw = gzip.decompress(data)
            record = json.loads(raw[raw.index(b"{") :])
            found[record["url"]] = record
    return found


def test_only_marked_article_text_is_indexed_with_its_meta_and_filters() -> None:
    files = search_files(
        {
            "sleep/index.html": page("Sleep", "Massage before bed helps some sleep.", "Limited evidence", ("sleep",)),
            "stress/index.html": page("Stress", "Cortisol falls a little.", "Moderate evidence"),
            "index.html": b'<html lang="en"><body><p>The home page has no data-pagefind-body.</p></body></html>',
            "static/style.css": b"body { color: red }",
        }
    )
    found = records(files)
    assert sorted(found) == ["/sleep/", "/stress/"]  # root-relative: pagefind.js adds the base path
    sleep = found["/sleep/"]
    assert sleep["content"] == "Massage before bed helps some sleep."  # no nav, footer, references
    assert sleep["meta"] == {
        "title": "Sleep",
        "summary": "About Sleep.",
        "evidence": "limited",
        "evidence_label": "Limited evidence",
    }
    assert sleep["filters"] == {"evidence": ["Limited evidence"], "tag": ["sleep"]}
    assert found["/stress/"]["filters"] == {"evidence": ["Moderate evidence"]}


def test_the_bundle_is_under_pagefind_without_pagefinds_own_ui() -> None:
    files = search_files({"a/index.html": page("A", "Lymph drains.")})
    assert all(name.startswith("pagefind/") for name in files)
    assert {"pagefind/pagefind.js", "pagefind/pagefind-entry.json"} <= files.keys()
    assert not [name for name in files if "-ui." in name or "highlight" in name]  # ours is static/search-ui.js
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    assert sum(language["page_count"] for language in entry["languages"].values()) == 1


def test_the_same_pages_give_the_same_bytes() -> None:
    pages = {"a/index.html": page("A", "Lymph drains."), "b/index.html": page("B", "Sleep well.", "Mixed evidence")}
    assert search_files(pages) == search_files(dict(reversed(pages.items())))


def test_a_killed_build_s_working_folder_is_removed_by_the_next(tmp_path: Path) -> None:
    """Pagefind reads the pages from a folder (in /dev/shm where there is one): a build killed
    while indexing leaves it behind, and the next build removes it, but not a live build's."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = tmp_path / f"{search.WORKING}{dead.stdout.strip()}-x1"
    live = tmp_path / f"{search.WORKING}{os.getpid()}-x2"
    for folder in (abandoned, live):
        (folder / "site").mkdir(parents=True)
    search._remove_abandoned(tmp_path)
    assert not abandoned.exists() and live.exists()

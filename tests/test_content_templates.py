"""The editorial templates: the shared safety advice and counts taken from the site, not typed in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitekit import ROOT, run_build

ARTICLES = ("stress", "circulation", "lymph", "sleep", "inflammation", "hormones", "mind-body")


def test_home_heading_counts_the_articles(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = tmp_path / "site"
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text()
    assert "The two claimed benefits" in home and "seven" not in home
    assert 'class="safety"' not in (out / "alpha/index.html").read_text()  # no safety sources, no block


def test_every_article_shows_the_one_shared_safety_block(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_build("build", "--out", out, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    blocks = set()
    for slug in ARTICLES:
        page = (out / slug / "index.html").read_text()
        assert page.count('<section class="safety"') == 1, slug
        start = page.index('<section class="safety"')
        blocks.add(page[start : page.index("</section>", start)])
        assert "Both sources above" not in page
        source = (ROOT / "content/articles" / f"{slug}.md").read_text()
        assert "Who should check with a doctor first" not in source, f"{slug}.md keeps its own copy"
    assert len(blocks) == 1, "the articles' safety advice differs"
    block = blocks.pop()
    for needed in (
        "skin infection",
        "Pain you cannot explain",
        "the editors' advice, not taken from a source",
        "Lymphoedema",
    ):
        assert needed in block, needed
    assert "The seven claimed benefits" in (out / "index.html").read_text()

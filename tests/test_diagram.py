"""The home page's evidence map (sitegen/diagram.py), made from the articles' front matter."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sitekit import GOOD_BODY, ROOT, article, run_build

from sitegen.content import EVIDENCE_LEVELS, load_pages

STEP = re.compile(r'<li class="step evidence-([a-z]+)">(.*?)</li>\s*(?=<li class="step|</ol>)', re.S)
CLAIM = re.compile(r'<a class="claim-title" href="([^"]+)">([^<]+)</a>')


def read_map(home: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(level, [(href, title), ...]) for each step of the map, in page order."""
    section = re.search(r'<section class="evidence-map".*?</section>', home, re.S)
    assert section, "no evidence map on the home page"
    return [(level, CLAIM.findall(body)) for level, body in STEP.findall(section[0])]


def build_home(root: Path) -> str:
    result = run_build("--project", root, "build", "--out", root / "_site", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    return (root / "_site/index.html").read_text(encoding="utf-8")


def test_the_map_lists_every_article_once_by_rating_and_follows_a_change(make_site: Callable[..., Path]) -> None:
    gamma = article("gamma", 3, GOOD_BODY["beta"], evidence="moderate", studied='"Anxiety"', studied_in='"Adults"')
    root = make_site({"content/articles/gamma.md": gamma})
    steps = read_map(build_home(root))
    assert [level for level, _ in steps] == list(EVIDENCE_LEVELS)  # the whole scale, strongest first
    placed = {level: [title for _, title in claims] for level, claims in steps}
    assert placed == {
        "strong": [],
        "moderate": ["Gamma"],
        "limited": ["Alpha", "Beta"],
        "mixed": [],
        "insufficient": [],
    }
    assert ("/gamma/", "Gamma") in steps[1][1]
    home = (root / "_site/index.html").read_text(encoding="utf-8")
    assert "<strong>What was studied:</strong> Anxiety" in home and "In whom:</strong> Adults" in home
    (root / "content/articles/beta.md").write_text(article("beta", 2, GOOD_BODY["beta"], evidence="strong"))
    placed = {level: [title for _, title in claims] for level, claims in read_map(build_home(root))}
    assert placed["strong"] == ["Beta"] and placed["limited"] == ["Alpha"]
    (root / "content/articles/gamma.md").write_text(gamma.replace('"Adults"', '"Adults after surgery"'))
    assert "In whom:</strong> Adults after surgery" in build_home(root)  # the cached home page is not kept


def test_the_real_map_has_the_articles_ratings_and_what_each_studied(tmp_path: Path) -> None:
    result = run_build("build", "--out", tmp_path / "site", "--no-cache", "--no-search", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    steps = read_map((tmp_path / "site/index.html").read_text(encoding="utf-8"))
    pages, problems = load_pages(ROOT / "content")
    articles = [p for p in pages if p.kind == "article" and not p.draft]
    assert not problems and articles
    shown = {title: level for level, claims in steps for _, title in claims}
    assert len(shown) == sum(len(claims) for _, claims in steps) == len(articles)  # each claim once
    for page in articles:
        assert shown[page.title] == page.evidence, page.source
        assert page.studied and page.studied_in, f"{page.source}: studied and studied_in tell the map what was studied"

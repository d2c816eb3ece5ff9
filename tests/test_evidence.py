"""The evidence table, the review byline's data and the report link (sitegen/evidence.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape
from sitekit import ROOT, SITE_YAML, run_build

from sitegen.bibliography import load_bibliography

ROW = re.compile(r'<tr>\s*<th scope="row"><a href="#ref-([^"]+)">.*?</th>\s*<td>([^<]*)</td>', re.S)
REF = re.compile(r'<li id="ref-([^"]+)"')


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evidence") / "site"
    result = run_build("build", "--out", out, "--no-cache", "--no-search", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    return out


def table_of(page: str) -> str:
    match = re.search(r'<section class="evidence-glance".*?</section>', page, re.S)
    assert match, "no evidence table"
    return match[0]


def test_each_articles_table_is_its_research_sources_newest_first(real_site: Path) -> None:
    sources, problems = load_bibliography(ROOT / "content/references.yaml", "content/references.yaml")
    assert not problems
    articles = sorted(p.stem for p in (ROOT / "content/articles").glob("*.md"))
    assert articles
    for slug in articles:
        page = (real_site / slug / "index.html").read_text(encoding="utf-8")
        table = table_of(page)
        rows = ROW.findall(table)
        cited = REF.findall(page)
        research = [key for key in cited if sources[key].category == "research"]
        assert sorted(key for key, _ in rows) == sorted(research), slug
        years = [sources[key].year or 0 for key, _ in rows]
        assert years == sorted(years, reverse=True), slug
        for key, year in rows:
            assert year == str(sources[key].year or "no date"), (slug, key)
            source = sources[key]
            for text in (source.title, source.design, source.population, source.caveat):
                assert text and str(escape(text)) in table, (slug, key, text)
        newest = max(y for y in years if y)
        assert f"The most recent source here is from {newest}." in page, slug
        assert '<div class="table-scroll" role="region" aria-labelledby="evidence-caption" tabindex="0">' in table
        assert '<caption id="evidence-caption">' in table and table.count('scope="col"') == 6


def report_href(page: str) -> str:
    match = re.search(r'<p class="report-problem"><a href="([^"]+)">Report a problem with this page</a>', page)
    assert match, "no report link"
    return html.unescape(match[1])


def build_with(make_site: Callable[..., Path], site_yaml: str) -> Path:
    root = make_site({"site.yaml": site_yaml})
    result = run_build("--project", root, "build", "--out", root / "_site", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    return root / "_site"


def test_report_link_opens_a_github_issue_for_a_page_under_a_project_subpath(make_site: Callable[..., Path]) -> None:
    site_yaml = SITE_YAML.replace('base_url: "/"', 'base_url: "https://owner.github.io/repo/"')
    out = build_with(make_site, site_yaml + 'report_problem_url: "https://github.com/owner/repo"\n')
    href = report_href((out / "alpha/index.html").read_text(encoding="utf-8"))
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com", "/owner/repo/issues/new")
    query = parse_qs(parts.query)
    assert query["title"] == ["Problem with the page: Alpha"]
    assert query["body"][0].startswith("Page: https://owner.github.io/repo/alpha/\n")


def test_report_link_can_be_an_email(make_site: Callable[..., Path]) -> None:
    out = build_with(make_site, SITE_YAML + 'report_problem_url: "mailto:editors@example.org"\n')
    href = report_href((out / "beta/index.html").read_text(encoding="utf-8"))
    assert href.startswith(
        "mailto:editors@example.org?subject=Problem%20with%20the%20page%3A%20Beta&body=Page%3A%20%2Fbeta%2F"
    )


def test_report_link_without_an_address_goes_to_the_about_page(make_site: Callable[..., Path]) -> None:
    out = build_with(make_site, SITE_YAML)
    assert report_href((out / "alpha/index.html").read_text(encoding="utf-8")) == "/about/#report-a-problem"


def test_the_pages_workflow_can_name_its_repository_on_the_command_line(make_site: Callable[..., Path]) -> None:
    root = make_site()
    result = run_build(
        "--project", root, "build", "--out", root / "_site", "--report-problem-url", "https://github.com/o/r/issues/new"
    )
    assert result.returncode == 0, result.stderr
    href = report_href((root / "_site/alpha/index.html").read_text(encoding="utf-8"))
    assert href.startswith("https://github.com/o/r/issues/new?title=")

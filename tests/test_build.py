"""End to end: the command line on small sites and on the real one."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import GOOD_BODY, ROOT, article, run_build

from sitegen.writer import MARKER

# Pagefind writes its filter index in a different order each run (its issue #638: "filter/metadata
# indexes" still change between builds), and so the files naming it and our manifest of hashes.
PAGEFIND_UNSTABLE = re.compile(r"pagefind/(filter/.*|pagefind-entry\.json|pagefind\..*\.pf_meta)|\.sitegen-output")


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file's sha256 by path, but the writer's record (it holds mtimes and inodes) and the
    files Pagefind does not write the same way twice."""
    return {
        name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not PAGEFIND_UNSTABLE.fullmatch(name := p.relative_to(folder).as_posix())
    }


def test_builds_pretty_urls_with_cross_links(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = tmp_path / "out"
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 0, result.stderr
    alpha = (out / "alpha" / "index.html").read_text()
    beta = (out / "beta" / "index.html").read_text()
    assert '<a href="/beta/#what">beta</a>' in alpha  # .md link rewritten with its anchor
    assert 'href="/glossary/#term-cortisol"' in alpha and 'title="A hormone made by the adrenal glands."' in alpha
    assert 'href="#ref-moyer2004"' in alpha and 'id="ref-moyer2004"' in alpha
    assert "https://doi.org/10.1037/0033-2909.130.1.3" in alpha
    assert 'rel="next" href="/beta/"' in alpha and 'rel="prev" href="/alpha/"' in beta
    assert "Linked from" in beta and 'href="/alpha/">Alpha</a>' in beta  # backlink
    assert "Related benefits" in alpha
    for page in ("index.html", "about/index.html", "bibliography/index.html", "glossary/index.html", "404.html"):
        assert (out / page).is_file(), page
    assert (out / MARKER).is_file()


def test_same_build_works_under_a_project_subpath(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = tmp_path / "out"
    assert run_build("--project", root, "build", "--out", out, "--base-url", "/repo/").returncode == 0
    alpha = (out / "alpha" / "index.html").read_text()
    assert 'href="/repo/beta/#what"' in alpha and 'href="/repo/static/style.' in alpha
    assert 'href="/beta/' not in alpha
    assert 'href="/repo/"' in (out / "404.html").read_text()


def test_two_builds_are_byte_identical(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    assert run_build("--project", root, "build", "--out", tmp_path / "a").returncode == 0
    assert run_build("--project", root, "build", "--out", tmp_path / "b").returncode == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_failed_build_keeps_previous_output(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site()
    out = tmp_path / "out"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    before = tree_digest(out)
    make_site({"content/articles/beta.md": article("beta", 2, GOOD_BODY["beta"].replace("alpha.md", "gone.md"))})
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 1 and "gone.md" in result.stderr
    assert tree_digest(out) == before
    assert not [
        p
        for p in tmp_path.iterdir()
        if p.name.startswith(".out.") and p.suffix not in (".sitegen-lock", ".sitegen-stats", ".spare")
    ]  # no temp folders


def test_check_writes_nothing(make_site: Callable[..., Path]) -> None:
    root = make_site()
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = run_build("--project", root, "check")
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


@pytest.mark.parametrize("target", ["project", "content", "parent", "foreign"])
def test_refuses_to_replace_a_folder_it_did_not_write(
    make_site: Callable[..., Path], tmp_path: Path, target: str
) -> None:
    root = make_site()
    foreign = tmp_path / "precious"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("years of work")
    out = {"project": root, "content": root / "content" / "x", "parent": tmp_path, "foreign": foreign}[target]
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("--out: ")
    assert (foreign / "thesis.txt").read_text() == "years of work"


def test_drafts_are_left_out_unless_asked_for(make_site: Callable[..., Path], tmp_path: Path) -> None:
    draft = article("gamma", 3, GOOD_BODY["beta"], draft="true")
    root = make_site({"content/articles/gamma.md": draft})
    assert run_build("--project", root, "build", "--out", tmp_path / "a").returncode == 0
    assert not (tmp_path / "a" / "gamma").exists()
    assert run_build("--project", root, "build", "--out", tmp_path / "b", "--drafts").returncode == 0
    assert "Draft: this article is not published yet." in (tmp_path / "b" / "gamma" / "index.html").read_text()


def test_bom_and_crlf_sources_are_accepted(make_site: Callable[..., Path], tmp_path: Path) -> None:
    text = article("beta", 2, GOOD_BODY["beta"]).replace("\n", "\r\n")
    root = make_site({"content/articles/beta.md": b"\xef\xbb\xbf" + text.encode()})
    result = run_build("--project", root, "build", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "<h1>Beta</h1>" in (tmp_path / "out" / "beta" / "index.html").read_text()


def test_strict_turns_warnings_into_failures(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/notes.txt": "stray file"})
    relaxed = run_build("--project", root, "check")
    assert relaxed.returncode == 0 and "content/notes.txt: warning: is not used" in relaxed.stderr
    assert run_build("--project", root, "check", "--strict").returncode == 1


def test_new_scaffolds_a_draft_and_refuses_to_overwrite(make_site: Callable[..., Path]) -> None:
    root = make_site()
    result = run_build("--project", root, "new", "Skin health")
    assert result.returncode == 0, result.stderr
    path = root / "content" / "articles" / "skin-health.md"
    text = path.read_text()
    assert "draft: true" in text and "order: 3" in text and "## What" in text
    assert run_build("--project", root, "check").returncode == 0  # a draft does not break the build
    again = run_build("--project", root, "new", "Skin health")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert path.read_text() == text


def test_missing_site_yaml_is_a_usage_error(tmp_path: Path) -> None:
    result = run_build("--project", tmp_path, "check")
    assert result.returncode == 2 and result.stderr.startswith("site.yaml: not found")


def test_real_site_builds(tmp_path: Path) -> None:
    result = run_build("build", "--out", tmp_path / "site", "--strict", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site" / "index.html").read_text()
    for slug in ("stress", "circulation", "lymph", "sleep", "inflammation", "hormones", "mind-body"):
        assert f'href="/{slug}/"' in home
        assert (tmp_path / "site" / slug / "index.html").is_file()


EXTRA = 30


def many_articles(count: int) -> dict[str, str]:
    """``count`` more articles, so that each worker process renders several."""
    body = "## Why\n\nCortisol, again [@cohen1991].\n\n## What\n\nSee [alpha](alpha.md#what) [@moyer2004].\n"
    return {f"content/articles/extra{i:03d}.md": article(f"extra{i:03d}", 10 + i, body) for i in range(count)}


def test_worker_processes_build_the_same_bytes_as_one_process(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site(many_articles(EXTRA))
    for jobs in ("1", "2"):
        result = run_build("--project", root, "build", "--no-cache", "--jobs", jobs, "--out", tmp_path / jobs)
        assert result.returncode == 0, result.stderr
    assert tree_digest(tmp_path / "1") == tree_digest(tmp_path / "2")
    assert len(list((tmp_path / "2").glob("extra*/index.html"))) == EXTRA


def test_worker_processes_rebuild_from_the_cache_the_same_bytes(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A template change renders every page again from renderings read back from .cache/."""
    root = make_site(many_articles(EXTRA))
    out = tmp_path / "site"
    assert run_build("--project", root, "build", "--jobs", "2", "--out", out).returncode == 0
    base = root / "templates" / "base.html"
    base.write_text(base.read_text().replace("</body>", "<p>changed</p></body>"))
    result = run_build("--project", root, "build", "--jobs", "2", "--out", out)
    assert result.returncode == 0, result.stderr
    cold = run_build("--project", root, "build", "--no-cache", "--jobs", "1", "--out", tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    assert tree_digest(out) == tree_digest(tmp_path / "cold")
    assert "<p>changed</p>" in (out / "extra000" / "index.html").read_text()


def test_template_error_in_a_worker_process_names_file_and_line(make_site: Callable[..., Path], tmp_path: Path) -> None:
    broken = "{% extends 'base.html' %}\n{% block main %}\n{{ page.titel }}\n{% endblock %}\n"
    root = make_site({**many_articles(EXTRA), "templates/article.html": broken})
    result = run_build("--project", root, "build", "--jobs", "2", "--out", tmp_path / "site")
    assert result.returncode == 1, result.stderr
    assert "templates/article.html:3: template error:" in result.stderr
    assert "Traceback" not in result.stderr

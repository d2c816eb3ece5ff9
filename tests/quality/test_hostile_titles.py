"""Titles an attacker (or a careless editor) might type still give a whole page in Chromium:
`<!--<script>` in a JSON-LD block once kept the HTML parser inside the script element."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import ROOT, good_files

from .conftest import Watched, goto, serve

pytestmark = pytest.mark.browser

HOSTILE = "<!--<script> & </script> >"


def write_project(root: Path) -> None:
    """The small test site, with the hostile text in an article's and the site's title."""
    files = good_files()
    files["site.yaml"] = files["site.yaml"].replace('title: "Test site"', f"title: '{HOSTILE} site'")
    files["content/articles/alpha.md"] = files["content/articles/alpha.md"].replace(
        'title: "Alpha"', f"title: '{HOSTILE} alpha'"
    )
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    for folder in ("templates", "static"):
        shutil.copytree(ROOT / folder, root / folder)


def test_a_title_holding_a_script_opener_still_renders_the_whole_page(
    tmp_path: Path, open_page: Callable[..., Watched]
) -> None:
    project, out = tmp_path / "project", tmp_path / "site"
    write_project(project)
    built = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project), "build", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    server, base = serve(out)
    try:
        watched = open_page(javascript_enabled=True)
        for path in ("/alpha/", "/"):
            goto(watched, base + path)
            footer = watched.page.locator("footer.site-footer")
            assert footer.count() == 1 and footer.is_visible(), f"{path}: the footer is not shown"
            assert "Not medical advice." in watched.page.inner_text("body"), f"{path}: the page stops early"
            assert f"{HOSTILE} site" in watched.page.inner_text("header"), f"{path}: the site title is not shown"
        goto(watched, base + "/alpha/")
        assert f"{HOSTILE} alpha" in watched.page.inner_text("h1")
    finally:
        server.shutdown()
        server.server_close()
    html = (out / "alpha" / "index.html").read_text(encoding="utf-8")
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert not any(char in script for char in "<>&"), script

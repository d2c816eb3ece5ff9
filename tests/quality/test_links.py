"""LinkChecker crawls the served site from every page: no broken link, no missing #fragment (AnchorCheck plugin)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import Site, require_executable

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Outside links are not checked (the tests must not depend on the internet); every link and anchor inside is.
CONFIG = """\
[checking]
threads=4
maxrequestspersecond=200
[filtering]
checkextern=0
[AnchorCheck]
"""


def test_no_broken_links_or_anchors(site: Site, tmp_path: Path) -> None:
    linkchecker = require_executable("linkchecker")
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    result = subprocess.run(
        [linkchecker, "--config", str(config), "--no-status", "--output", "text", *map(site.url, site.pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = re.search(
        r"That's it\. (\d+) links? in \d+ URLs? checked\. (\d+) warnings? found\. (\d+) errors? found", result.stdout
    )
    assert summary, f"linkchecker did not finish ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    links, warnings, errors = map(int, summary.groups())
    problems = [block for block in result.stdout.split("\n\n") if block.startswith("URL ")]
    shown = "\n\n".join(re.sub(r"Available anchors: .*?\.\n", "", block, flags=re.S) for block in problems)
    assert (warnings, errors) == (0, 0), (
        f"linkchecker: {errors} broken links, {warnings} warnings (a missing anchor is a warning):\n{shown}"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert links >= len(site.pages), f"linkchecker checked only {links} links: did it crawl the site?\n{result.stdout}"

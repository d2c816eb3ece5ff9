"""Small projects for tests: a dict of files with valid defaults, and running build.py as an editor would."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SITE_YAML = """\
title: "Test site"
tagline: "A tagline"
description: "A test site."
base_url: "/"
language: "en-GB"
author: "Tester"
disclaimer: "Not medical advice."
required_sections: [why, what]
min_citations: 1
min_article_links: 1
background_section: why
"""

REFERENCES = """\
stress:
  - id: moyer2004
    authors: "Moyer CA"
    year: 2004
    title: "A meta-analysis"
    journal: "Psychological Bulletin"
    doi: "10.1037/0033-2909.130.1.3"
    verified: true
background:
  stress:
  - id: cohen1991
    authors: Cohen S
    year: 1991
    title: Stress and colds
    verified: true
"""

GLOSSARY = """\
- term: cortisol
  definition: "A hormone made by the adrenal glands."
"""


def article(name: str, position: int, body: str, **front: object) -> str:
    """A valid article source; ``front`` overrides front-matter lines."""
    fields: dict[str, object] = {
        "title": f'"{name.title()}"',
        "summary": '"A summary."',
        "order": position,
        "related": "[]",
        "evidence": "limited",
        "evidence_reason": '"Few small studies."',
        "key_points": '["One.", "Two."]',
        "reviewed": "2026-01-31",
    }
    fields.update(front)
    lines = [f"{k}: {v}" for k, v in fields.items() if v is not None]
    return "---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body)


GOOD_BODY = {
    "alpha": "## Why\n\nCortisol matters [@cohen1991].\n\n## What\n\nSee [beta](beta.md#what) [@moyer2004].\n",
    "beta": "## Why\n\nText.\n\n## What\n\nSee [alpha](alpha.md) and [@moyer2004].\n",
}


def good_files() -> dict[str, str]:
    return {
        "site.yaml": SITE_YAML,
        "content/references.yaml": REFERENCES,
        "content/glossary.yaml": GLOSSARY,
        "content/pages/index.md": "---\ntitle: Home\nsummary: The home page.\n---\nWelcome. Read [alpha](../articles/alpha.md).\n",
        "content/pages/about.md": "---\ntitle: About\nsummary: About us.\n---\n## Report a problem\n\nWrite to us.\n",
        "content/articles/alpha.md": article("alpha", 1, GOOD_BODY["alpha"], related="[beta]"),
        "content/articles/beta.md": article("beta", 2, GOOD_BODY["beta"]),
    }


def run_build(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run build.py as an editor would and capture what they see."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )

"""`build.py new "Title"`: a new article with every front-matter field as a placeholder."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from .characters import forbidden_at
from .content import ARTICLE_FIELDS, EVIDENCE_LEVELS, SLUG, Page, load_pages
from .errors import ConfigError, Problem

MAX_TITLE = next(field.max_len for field in ARTICLE_FIELDS if field.name == "title")
PLACEHOLDER = "TODO:"  # begins every text the scaffold leaves for the editor to write
PLACEHOLDER_FIELDS = ("title", "summary", "evidence_reason", "studied", "studied_in")

TEMPLATE = """\
---
title: {title}    # the page title, plain text
summary: "TODO: one or two plain sentences, at most 200 characters (shown on the home page and in search results)."
order: {order}    # position among the articles (1, 2, ...); must be unique
related: []    # slugs of related articles, e.g. [stress, sleep]
evidence: insufficient    # one of {levels}
evidence_reason: "TODO: one line saying why this rating."
key_points:    # 2 to 4 plain-text points shown at the top
  - "TODO: first key point."
  - "TODO: second key point."
studied: "TODO: what the studies you cite measured, e.g. anxiety soon after a massage"
studied_in: "TODO: who took part in them, e.g. adults with high blood pressure"
reviewed: {today}    # the date you last checked the content against its sources
draft: true    # set to false when the article is ready to publish
tags: []    # topic words, e.g. [sleep, cortisol]
---

{sections}
"""


def placeholder_problems(page: Page) -> list[Problem]:
    """A published page that still holds the scaffold's placeholder text; a draft may keep it."""
    if page.draft:
        return []
    where = page.project_path
    fix = f'still has the placeholder "{PLACEHOLDER} ..." from build.py new: write it, or set draft: true'
    problems = [
        Problem(where, page.line_of(key), f'"{key}" {fix}')
        for key in PLACEHOLDER_FIELDS
        if PLACEHOLDER in str(getattr(page, key, ""))
    ]
    if any(PLACEHOLDER in point for point in page.key_points):
        problems.append(Problem(where, page.line_of("key_points"), f'"key_points" {fix}'))
    for offset, line in enumerate(page.body.split("\n")):
        if PLACEHOLDER in line:
            problems.append(Problem(where, page.body_line + offset, f"the text {fix}"))
    return problems


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def new_article(content_dir: Path, title: str, required_sections: tuple[str, ...], today: dt.date) -> Path:
    """Write content/articles/<slug>.md; refuse to overwrite an existing file."""
    if len(title) > MAX_TITLE:
        raise ConfigError([Problem("new", 0, f"the title is {len(title)} characters long; at most {MAX_TITLE}")])
    if "\n" in title or forbidden_at(title) is not None:
        raise ConfigError([Problem("new", 0, "the title must be one line of visible text (no control characters)")])
    slug = slugify(title)
    if not SLUG.match(slug):
        raise ConfigError([Problem("new", 0, f'cannot make a file name from "{title}"; use letters or digits')])
    path = content_dir / "articles" / f"{slug}.md"
    if path.exists():
        raise ConfigError([Problem(f"content/articles/{slug}.md", 0, "already exists; choose another title")])
    pages, _ = load_pages(content_dir)
    order = max((p.order for p in pages if p.kind == "article"), default=0) + 1
    sections = "\n\n".join(
        f"## {s.replace('-', ' ').capitalize()}\n\nTODO: write this section. Cite sources as [@id]."
        for s in required_sections
    )
    text = TEMPLATE.format(
        title=json.dumps(title, ensure_ascii=False),  # a JSON string is a YAML double-quoted one
        order=order,
        levels=" | ".join(EVIDENCE_LEVELS),
        today=today.isoformat(),
        sections=sections,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ConfigError([Problem(f"content/articles/{slug}.md", 0, f"cannot be written: {exc.strerror}")]) from None
    return path

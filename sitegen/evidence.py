"""What an article shows about its evidence and review: the evidence table (from the
bibliography alone), the review byline, and the "Report a problem with this page" link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from .bibliography import Source
from .config import Config
from .content import Page
from .review import Reviewer, due_date, reviewers
from .site import Site

MAX_NAME_WORDS = 4  # "Christopher A. Moyer"; "National Center for ... Health (NCCIH)" is a body


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One research source an article cites, with the finding for the article's topic."""

    number: int  # as numbered in the article's Sources
    source: Source
    finding: str

    @property
    def study(self) -> str:
        """The first author's name, "and colleagues" when there are more: "Christopher A. Moyer and colleagues"."""
        first = self.source.authors.split(",")[0].strip()
        if not first or len(first.split()) > MAX_NAME_WORDS or "(" in first:  # an organisation, as it is
            return self.source.authors or self.source.title
        names = [n for n in self.source.authors.replace(" and ", ", ").split(",") if n.strip()]
        return f"{names[0].strip()} and colleagues" if len(names) > 1 else first


def evidence_rows(site: Site, page: Page) -> list[EvidenceRow]:
    """The research sources the page cites, newest first (undated last, then in citation order)."""
    rows = [
        EvidenceRow(number, source, finding_for(source, page.slug))
        for number, source in site.references(page)
        if source.category == "research"
    ]
    return sorted(rows, key=lambda r: (-(r.source.year or 0), r.number))


def finding_for(source: Source, topic: str) -> str:
    """The source's finding under the article's topic, else its first finding."""
    by_topic = dict(source.findings)
    return by_topic.get(topic) or next((f for _, f in source.findings if f), "")


def newest_year(rows: list[EvidenceRow]) -> int | None:
    return max((r.source.year for r in rows if r.source.year), default=None)


def report_link(config: Config, title: str, address: str, fallback: str) -> str:
    """Where "Report a problem with this page" goes, with the page's title and address filled in.

    A GitHub repository: its new-issue form; mailto: an e-mail; another address as it is;
    none: ``fallback`` (the About page's section on reporting a problem).
    """
    base = config.report_problem_url
    subject = f"Problem with the page: {title}"
    body = f"Page: {address}\n\nWhat is wrong (the sentence or section, and a source if you have one):\n"
    if base.startswith("mailto:"):
        joiner = "&" if "?" in base else "?"
        return base + joiner + urlencode({"subject": subject, "body": body}, quote_via=quote)
    parts = urlsplit(base)
    segments = [s for s in parts.path.split("/") if s]
    if parts.netloc.lower() in ("github.com", "www.github.com") and len(segments) >= 2:
        owner, repo = segments[0], segments[1].removesuffix(".git")
        query = urlencode({"title": subject, "body": body}, quote_via=quote)
        return f"https://github.com/{owner}/{repo}/issues/new?{query}"
    return base or fallback


def byline(page: Page, config: Config) -> dict[str, Any]:
    """The byline's parts: reviewers, the review date and the next review's."""
    return {"reviewers": reviewers(page, config), "next_review": due_date(page, config)}


def review_team(config: Config) -> list[Reviewer]:
    """Everyone in the people file; the editorial team while it names nobody (the About page)."""
    return [Reviewer(p.name, p.role, p.url, is_person=True) for p in config.people] or [
        Reviewer(config.editor or config.author)
    ]


def reviewed_by(people: list[Reviewer]) -> list[dict[str, str]]:
    """schema.org reviewedBy: each Person, or the editorial team as an Organization."""
    found = []
    for reviewer in people:
        item = {"@type": "Person" if reviewer.is_person else "Organization", "name": reviewer.name}
        if reviewer.role:
            item["jobTitle"] = reviewer.role
        if reviewer.url:
            item["url"] = reviewer.url
        found.append(item)
    return found

"""Editorial review: who reviewed each article, when the next review is due, what is overdue,
and the rows of `build.py review`."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .config import Config
from .content import Page
from .errors import ConfigError, Problem, suggest
from .people import Person
from .readability import count_words, plain_text, reading_grade
from .site import Site


@dataclass(frozen=True, slots=True)
class Reviewer:
    """A name shown in a byline: a person from the people file, or the editorial team."""

    name: str
    role: str = ""
    url: str = ""
    is_person: bool = False


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One line of the review report."""

    slug: str
    source: str
    reviewed: dt.date
    due: dt.date
    overdue: bool
    reviewers: tuple[str, ...]
    evidence: str
    newest_source: int | None
    words: int
    grade: float


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(page: Page, config: Config) -> dt.date | None:
    """``next_review`` if given, else ``reviewed`` plus site.yaml's review_interval."""
    if page.next_review is not None:
        return page.next_review
    return add_months(page.reviewed, config.review_interval) if page.reviewed else None


def reviewers(page: Page, config: Config) -> list[Reviewer]:
    """The page's named reviewers; the editorial team of site.yaml when it names none."""
    people = {p.id: p for p in config.people}
    named = [_reviewer(people[key]) for key in page.reviewers if key in people]
    return named or [Reviewer(config.editor or config.author)]


def _reviewer(person: Person) -> Reviewer:
    return Reviewer(person.name, person.role, person.url, is_person=True)


def today_from(given: dt.date | None, epoch: str | None) -> dt.date:
    """--today, else SOURCE_DATE_EPOCH (seconds, UTC), else the calendar."""
    if given is not None:
        return given
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(
                [Problem("SOURCE_DATE_EPOCH", 0, f'"{epoch}" is not a number of seconds since 1970')]
            ) from None
    return dt.datetime.now(dt.UTC).date()


# -- problems -------------------------------------------------------------------------
def review_problems(articles: Iterable[Page], config: Config, today: dt.date | None) -> list[Problem]:
    """Unknown reviewer ids and impossible dates (errors); with ``today``, overdue reviews (warnings)."""
    problems: list[Problem] = []
    for page in articles:
        problems += reviewer_problems(page, config)
        due = due_date(page, config)
        if page.next_review is not None and page.reviewed is not None and page.next_review <= page.reviewed:
            message = f'"next_review" {page.next_review} must be after "reviewed" {page.reviewed}'
            problems.append(Problem(page.project_path, page.line_of("next_review"), message))
        elif today is not None and due is not None and due < today and not page.draft:
            problems.append(overdue_problem(page, config, due))
    return problems


def reviewer_problems(page: Page, config: Config) -> list[Problem]:
    ids = [p.id for p in config.people]
    listed = (
        f"The people in {config.people_file} are: {', '.join(ids)}."
        if ids
        else f"{config.people_file} names nobody yet."
    )
    problems = []
    for key in page.reviewers:
        if key not in ids:
            hint = suggest(key, ids) or f" {listed}"
            problems.append(Problem(page.project_path, page.line_of("reviewers"), f'unknown reviewer "{key}".{hint}'))
    return problems


def overdue_problem(page: Page, config: Config, due: dt.date) -> Problem:
    key = "next_review" if page.next_review is not None else "reviewed"
    why = "" if page.next_review is not None else f" ({page.reviewed} + {config.review_interval} months)"
    message = (
        f"review overdue: the next review was due on {due}{why}; check the article against its sources, "
        'then update "reviewed"'
    )
    return Problem(page.project_path, page.line_of(key), message, level="warning")


# -- the review report ------------------------------------------------------------------
def review_rows(site: Site, config: Config, today: dt.date) -> list[ReviewRow]:
    """Every article, overdue first, then by due date."""
    rows = [_row(site, config, page, today) for page in site.articles if page.reviewed is not None]
    return sorted(rows, key=lambda r: (not r.overdue, r.due, r.slug))


def _row(site: Site, config: Config, page: Page, today: dt.date) -> ReviewRow:
    assert page.reviewed is not None  # articles require it
    due = due_date(page, config) or page.reviewed
    text = plain_text((config.content_dir / page.source).read_text(encoding="utf-8-sig"))
    years = [s.year for _, s in site.references(page) if s.category == "research" and s.year]
    return ReviewRow(
        slug=page.slug,
        source=page.project_path,
        reviewed=page.reviewed,
        due=due,
        overdue=due < today,
        reviewers=tuple(r.name for r in reviewers(page, config)),
        evidence=page.evidence,
        newest_source=max(years, default=None),
        words=count_words(text),
        grade=round(reading_grade(text), 1),
    )


COLUMNS = ("slug", "reviewed", "next review due", "reviewers", "evidence", "newest source", "words", "grade")


def format_table(rows: Sequence[ReviewRow]) -> str:
    """The rows as aligned plain text, one article a line, "OVERDUE" marked."""
    cells = [COLUMNS] + [
        (
            r.slug,
            r.reviewed.isoformat(),
            r.due.isoformat() + (" OVERDUE" if r.overdue else ""),
            "; ".join(r.reviewers),
            r.evidence,
            str(r.newest_source or "-"),
            str(r.words),
            f"{r.grade:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def format_json(rows: Sequence[ReviewRow], today: dt.date) -> str:
    """The same rows for CI: ISO dates, null where unknown."""
    data = {
        "today": today.isoformat(),
        "overdue": sum(r.overdue for r in rows),
        "articles": [
            {
                "slug": r.slug,
                "source": r.source,
                "reviewed": r.reviewed.isoformat(),
                "next_review": r.due.isoformat(),
                "overdue": r.overdue,
                "reviewers": list(r.reviewers),
                "evidence": r.evidence,
                "newest_source_year": r.newest_source,
                "words": r.words,
                "reading_grade": r.grade,
            }
            for r in rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)

"""Review dates, overdue warnings, named reviewers and `build.py review` (sitegen/review.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from sitekit import GOOD_BODY, SITE_YAML, article, run_build

from sitegen.review import add_months, today_from

ALPHA = "content/articles/alpha.md"
OLD_ALPHA = article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", reviewed="2019-03-15")
PEOPLE = """\
- id: test-reviewer
  name: "Test Reviewer"
  role: "Test role"
  url: "https://example.org/test-reviewer"
"""
EPOCH_2026_12_01 = "1796083200"


def run_at(epoch: str, *args: str | Path) -> tuple[int, str, str]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        result = run_build(*args)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return result.returncode, result.stdout, result.stderr


def test_months_are_added_to_the_calendar_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 26), 12) == dt.date(2027, 11, 26)
    assert add_months(dt.date(2026, 11, 26), 2) == dt.date(2027, 1, 26)


def test_today_comes_from_the_option_then_source_date_epoch() -> None:
    assert today_from(dt.date(2020, 5, 1), EPOCH_2026_12_01) == dt.date(2020, 5, 1)
    assert today_from(None, EPOCH_2026_12_01) == dt.date(2026, 12, 1)


def test_an_article_reviewed_in_2019_is_a_warning_and_strict_fails(make_site: Callable[..., Path]) -> None:
    root = make_site({ALPHA: OLD_ALPHA})
    code, _, stderr = run_at(EPOCH_2026_12_01, "--project", root, "check")
    assert code == 0, stderr
    assert (
        f"{ALPHA}:9: warning: review overdue: the next review was due on 2022-03-15 (2019-03-15 + 36 months)" in stderr
    )
    code, _, stderr = run_at(EPOCH_2026_12_01, "--project", root, "build", "--strict", "--out", root / "_site")
    assert code == 1 and "review overdue" in stderr
    assert not (root / "_site").exists()


def test_review_interval_and_next_review_set_the_due_date(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "review_interval: 12\n",
            ALPHA: article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", next_review="2026-12-31"),
        }
    )
    code, _, stderr = run_at(EPOCH_2026_12_01, "--project", root, "check")
    assert code == 0 and "review overdue" not in stderr, stderr
    code, _, stderr = run_at(EPOCH_2026_12_01, "--project", root, "check", "--today", "2027-01-15")  # wins
    assert f"{ALPHA}:10: warning: review overdue: the next review was due on 2026-12-31;" in stderr
    assert "beta.md" not in stderr


def test_review_lists_every_article_overdue_first(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/articles/beta.md": article("beta", 2, GOOD_BODY["beta"]), ALPHA: OLD_ALPHA})
    code, stdout, stderr = run_at(EPOCH_2026_12_01, "--project", root, "review")
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].split()[:3] == ["slug", "reviewed", "next"]
    assert re.match(r"alpha\s+2019-03-15\s+2022-03-15 OVERDUE\s+Tester\s+limited\s+2004\s+\d+\s+-?\d+\.\d$", lines[1])
    assert lines[2].startswith("beta ") and "OVERDUE" not in lines[2]
    assert "1 of 2 article(s) overdue for review on 2026-12-01" in stderr
    code, _, _ = run_at(EPOCH_2026_12_01, "--project", root, "review", "--strict")
    assert code == 1
    code, stdout, _ = run_at(EPOCH_2026_12_01, "--project", root, "review", "--json")
    data = json.loads(stdout)
    assert code == 0 and data["today"] == "2026-12-01" and data["overdue"] == 1
    first = data["articles"][0]
    assert first["slug"] == "alpha" and first["overdue"] is True and first["next_review"] == "2022-03-15"
    assert first["reviewers"] == ["Tester"] and first["newest_source_year"] == 2004
    assert first["words"] > 0 and isinstance(first["reading_grade"], float)


def test_review_strict_passes_when_nothing_is_overdue(make_site: Callable[..., Path]) -> None:
    root = make_site()
    code, _, stderr = run_at(EPOCH_2026_12_01, "--project", root, "review", "--strict")
    assert code == 0, stderr


def test_a_named_reviewer_is_in_the_byline_json_ld_and_about_page(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "review_interval: 12\n",
            "content/people.yaml": PEOPLE,
            ALPHA: article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", reviewers="[test-reviewer]"),
        }
    )
    code, _, stderr = run_at(EPOCH_2026_12_01, "--project", root, "build", "--out", root / "_site")
    assert code == 0, stderr
    alpha = (root / "_site/alpha/index.html").read_text(encoding="utf-8")
    assert (
        'Reviewed by <a href="https://example.org/test-reviewer">Test Reviewer</a> (Test role) on '
        '<time datetime="2026-01-31">31 January 2026</time> · Next review due '
        '<time datetime="2027-01-31">31 January 2027</time>'
    ) in alpha
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', alpha, re.S)[1])  # type: ignore[index]
    assert ld["lastReviewed"] == "2026-01-31"
    assert ld["reviewedBy"] == [
        {
            "@type": "Person",
            "name": "Test Reviewer",
            "jobTitle": "Test role",
            "url": "https://example.org/test-reviewer",
        }
    ]
    beta = (root / "_site/beta/index.html").read_text(encoding="utf-8")
    assert "Reviewed by Tester on" in beta  # no reviewers named: the site's editor (here its author)
    about = (root / "_site/about/index.html").read_text(encoding="utf-8")
    assert "at least every 12 months" in about
    assert '<a href="https://example.org/test-reviewer">Test Reviewer</a>, Test role' in about

"""The checks of one page on its own: wording."""

from __future__ import annotations

import pytest
from sitekit import article

from sitegen.check import check_wording
from sitegen.content import parse_page


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("Massage BOOSTS your immune system.", "BOOSTS your immune system"),
        ("It Flushes out the toxins.", "Flushes out the toxins"),
        ("Detoxing weekly.", "Detoxing"),
        ("Nothing cured it.", "cured"),
        ("It is not CURING anything.", "CURING"),
        ('Sites say it "boosts immunity"; the studies do not.', None),
        ("Secure, accurate and current work occurs here.", None),
    ],
)
def test_wording_check_reports_each_banned_phrase_whatever_its_case(line: str, reported: str | None) -> None:
    page, problems = parse_page("articles/x.md", "article", article("x", 1, f"## Why\n\n{line}\n"))
    assert page is not None, problems
    found = [p.message for p in check_wording(page)]
    if reported is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(f'"{reported}": we never publish'), found

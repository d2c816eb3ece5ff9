"""Lighthouse 12.2.3, mobile: performance at least 95; accessibility, best practices and SEO 100."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import REPORT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits that cost the category points, with the elements Lighthouse names."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) == 0 or audit.get("score") is None or audit["score"] >= 1:
            continue
        shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
        lines.append(f"    {audit['id']}: score {audit['score']}{shown}: {audit['title']}")
        for item in (audit.get("details") or {}).get("items", [])[:5]:
            node = item.get("node") or {}
            where = node.get("selector") or item.get("url") or item.get("source", {}).get("url") or ""
            snippet = node.get("snippet", "")
            if where or snippet:
                lines.append(f"      {where} {snippet[:160]}")
    return lines


@pytest.mark.parametrize("category", list(MINIMUM))
def test_lighthouse_scores(lighthouse_reports: dict[str, dict[str, Any]], category: str) -> None:
    failures = []
    for path, report in lighthouse_reports.items():
        assert report["configSettings"]["formFactor"] == "mobile", f"{path}: not a mobile run"
        if report.get("runtimeError"):
            failures.append(f"{path}: {report['runtimeError']}")
        score = round((report["categories"][category]["score"] or 0) * 100)
        REPORT.setdefault("Lighthouse (mobile)", []).append(f"{path:28} {category:15} {score:3}")
        if score < MINIMUM[category]:
            failures.append(f"{path}: {category} {score} < {MINIMUM[category]}")
            failures.extend(failing_audits(report, category))
    assert not failures, "Lighthouse:\n" + "\n".join(failures)

"""The home page's evidence map: every claim placed on the five-step evidence scale, with what
was studied and in whom, made from the articles' front matter (templates/evidence_map.html)."""

from __future__ import annotations

from dataclasses import dataclass

from .content import EVIDENCE_LEVELS, Page


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the scale, strongest first, and the claims rated at it."""

    level: str  # "strong" ... "insufficient"
    rank: int  # 5 for the strongest step, 1 for the weakest: the filled boxes of its meter
    claims: tuple[Page, ...]


def evidence_map(articles: list[Page]) -> list[Step]:
    """Every step of the scale, strongest first; each article once, at its rating, in order."""
    size = len(EVIDENCE_LEVELS)
    return [
        Step(level, size - index, tuple(sorted((a for a in articles if a.evidence == level), key=lambda a: a.order)))
        for index, level in enumerate(EVIDENCE_LEVELS)
    ]

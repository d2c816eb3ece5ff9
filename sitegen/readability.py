"""Words and reading grade of an article's text: the measure tools/readability.py reports."""

from __future__ import annotations

import re

FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
CITATION = re.compile(r"\s*\[@[^\]]*\]")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
LINK_DEF = re.compile(r"^\s*\[[^\]]+\]:\s+\S.*$", re.MULTILINE)
HTML_TAG = re.compile(r"<[^>]+>")
CODE = re.compile(r"`([^`]*)`")
EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
ADMONITION = re.compile(r'^\s*!!!\s+\w+(?:\s+"([^"]*)")?\s*$')
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
END_PUNCT = re.compile(r"[.!?:;]['\")\]]*$")


def plain_text(markdown: str) -> str:
    """Turn an article's Markdown into plain prose for counting."""
    text = FRONT_MATTER.sub("", markdown, count=1)
    text = LINK_DEF.sub("", text)
    text = CITATION.sub("", text)
    text = IMAGE.sub(r"\1", text)
    text = LINK.sub(r"\1", text)
    text = REF_LINK.sub(r"\1", text)
    text = HTML_TAG.sub("", text)
    text = CODE.sub(r"\1", text)
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or TABLE_RULE.match(line):
            lines.append("")
            continue
        admonition = ADMONITION.match(line)
        if admonition:
            line = admonition.group(1) or ""
        is_block = bool(HEADING.match(line) or LIST_MARK.match(line) or admonition)
        line = HEADING.sub("", line)
        line = LIST_MARK.sub("", line)
        line = line.lstrip("> ").strip()
        if "|" in line:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            line = ". ".join(cell for cell in cells if cell)
            is_block = True
        line = EMPHASIS.sub(r"\2", line)
        if line and is_block and not END_PUNCT.search(line):
            line += "."
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def count_words(text: str) -> int:
    """Count words: runs of letters or digits, allowing inner ' - . ,"""
    return len(re.findall(r"[A-Za-z0-9]+(?:['\u2019.,-][A-Za-z0-9]+)*", text))


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of plain text (textstat 0.7.8, as tools/readability.py uses)."""
    import textstat  # type: ignore[import-untyped, import-not-found, unused-ignore]  # slow to import: only for review

    return float(textstat.flesch_kincaid_grade(text))

"""Report the length and reading level of every article.

Usage: python tools/readability.py

For each ``content/articles/*.md`` this prints the body word count and the
Flesch-Kincaid grade, measured on plain text: the front matter, Markdown
syntax, citations (``[@key]``) and link targets are stripped first, and a
heading or list item without closing punctuation is treated as a sentence of
its own. The last line gives the median word count and grade.

Exit status: 0 if every article has 700 to 1,300 words and a grade of 9 or
below; 1 if any article is outside those limits (or none was found); 2 if
textstat is not installed (``pip install textstat==0.7.8``; later versions
fail offline).
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

MIN_WORDS = 700
MAX_WORDS = 1300
MAX_GRADE = 9.0

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "content" / "articles"

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


def main(argv: list[str]) -> int:
    try:
        import textstat  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        print("textstat is not installed. Install it with:")
        print("  python -m pip install textstat==0.7.8")
        return 2

    paths = [Path(arg) for arg in argv] or sorted(ARTICLES.glob("*.md"))
    if not paths:
        print(f"no articles found in {ARTICLES}")
        return 1

    failed = False
    words: list[int] = []
    grades: list[float] = []
    width = max(len(path.name) for path in paths)
    for path in paths:
        text = plain_text(path.read_text(encoding="utf-8"))
        n_words = count_words(text)
        grade = float(textstat.flesch_kincaid_grade(text))
        problems: list[str] = []
        if not MIN_WORDS <= n_words <= MAX_WORDS:
            problems.append(f"words outside {MIN_WORDS}-{MAX_WORDS}")
        if grade > MAX_GRADE:
            problems.append(f"grade above {MAX_GRADE:g}")
        failed = failed or bool(problems)
        words.append(n_words)
        grades.append(grade)
        status = "FAIL: " + "; ".join(problems) if problems else "ok"
        print(f"{path.name:<{width}}  {n_words:>5} words  grade {grade:>5.1f}  {status}")

    print(f"{'median':<{width}}  {statistics.median(words):>5g} words  grade {statistics.median(grades):>5.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

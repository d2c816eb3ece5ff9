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

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the engine is beside tools/

from sitegen.readability import count_words, plain_text  # noqa: E402

MIN_WORDS = 700
MAX_WORDS = 1300
MAX_GRADE = 9.0

ARTICLES = ROOT / "content" / "articles"


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

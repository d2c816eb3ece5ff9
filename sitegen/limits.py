"""Input caps that keep Python-Markdown's rendering of one page bounded, checked before it runs.

Measured with Python-Markdown 3.11.3 and this site's extensions (Python 3.11, default recursion
limit 1,000, see tests/test_units.py):

- Bullet lists nested 250 deep (4 spaces a level) raise RecursionError, numbered lists 300;
  200 render in 0.12 s. Block quotes opened one more on each line take time with the square
  of their depth (200 levels 0.37 s). MAX_DEPTH = 40 levels is well inside both, and far
  beyond the 3 or 4 levels prose uses.
- ``[`` is tried as the start of a link, image, footnote or citation, each scanning on for its
  end: the time grows with the square of their number in one block. 4,000 in one paragraph
  take 1.0 s (``[a](`` 3.4 s, ``![`` 1.7 s); 30,000 take over a minute. MAX_BRACKETS_PER_BLOCK
  = 500 keeps a block under 0.1 s; the articles use at most 9. MAX_BRACKETS = 5,000 bounds the
  page as a whole.
- Every other inline construct costs time with the square of its number in one block as well:
  8,000 ``*x*`` in a paragraph take 5.0 s, 8,000 ``<b>x</b>`` 1.6 s, 8,000 ``&amp;`` 0.5 s;
  2,000 ``*x*`` 0.3 s. MAX_MARKS_PER_BLOCK = 2,000 characters that open inline markup
  (``[ < * _ ` & !``) keeps a block near 0.1 s; the articles' busiest block has 58.
  MAX_MARKS = 20,000 bounds the page (30 blocks of 1,800 take 2.0 s).

The worker time limit (site.yaml ``render_timeout``) covers what these caps do not foresee.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import Problem
from .rawhtml import UnsafeHtmlError

if TYPE_CHECKING:
    from .content import Page
    from .markdown import Rendered, Renderer

MAX_DEPTH = 40
MAX_BRACKETS_PER_BLOCK = 500
MAX_BRACKETS = 5_000
MAX_MARKS_PER_BLOCK = 2_000
MAX_MARKS = 20_000
MARKS = "[<*_`&!"
# what opens one more level at the start of a line: a quote marker or a list item's marker
_OPENER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
# Each level takes at least one character (a tab, ">"): only a line that starts with more than
# MAX_DEPTH of these can be too deep, and one scan of the body finds those few.
_DEEP_CANDIDATE = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_DEPTH + 1},}}", re.M)


def nesting_depth(line: str) -> int:
    """How many lists and block quotes ``line`` is inside, at most: 4 columns of indentation
    (a tab counts 4) or one ``>``, ``-``, ``*``, ``+`` or ``1.`` marker each."""
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)].replace("\t", "    ")
    depth, position = len(indent) // 4, 0
    while (found := _OPENER.match(stripped, position)) is not None and found.end() > position:
        depth += 1
        position = found.end()
    return depth


def blocks(body: str) -> list[tuple[int, str]]:
    """The body's blocks (runs of lines between blank lines) with the offset of each one's first line."""
    found: list[tuple[int, str]] = []
    start, lines = 0, body.split("\n")
    for index, line in enumerate([*lines, ""]):
        if not line.strip():
            if index > start:
                found.append((start, "\n".join(lines[start:index])))
            start = index + 1
    return found


def markdown_bounds(body: str, display: str, body_line: int) -> list[Problem]:
    """The caps ``body`` exceeds, each at the line of its block: call before rendering it."""
    problems: list[Problem] = []
    for candidate in _DEEP_CANDIDATE.finditer(body):
        end = body.find("\n", candidate.start())
        line = body[candidate.start() : end if end >= 0 else None]
        if (depth := nesting_depth(line)) > MAX_DEPTH:
            message = f"lists and block quotes are nested {depth} deep here; at most {MAX_DEPTH} levels are allowed"
            problems.append(Problem(display, body_line + body.count("\n", 0, candidate.start()), message))
            break
    total = total_marks = 0
    for offset, block in blocks(body):
        count = block.count("[")
        marks = sum(block.count(mark) for mark in MARKS)
        total, total_marks = total + count, total_marks + marks
        if count > MAX_BRACKETS_PER_BLOCK:
            message = f'this block holds {count} "["; at most {MAX_BRACKETS_PER_BLOCK} are allowed in one paragraph'
            problems.append(Problem(display, body_line + offset, message))
            break
        if marks > MAX_MARKS_PER_BLOCK:
            message = (
                f"this block holds {marks} of the characters {' '.join(MARKS)}; "
                f"at most {MAX_MARKS_PER_BLOCK} are allowed in one paragraph"
            )
            problems.append(Problem(display, body_line + offset, message))
            break
    if total > MAX_BRACKETS and not problems:
        message = f'the page holds {total} "["; at most {MAX_BRACKETS} are allowed in one page'
        problems.append(Problem(display, body_line, message))
    elif total_marks > MAX_MARKS and not problems:
        message = f"the page holds {total_marks} of the characters {' '.join(MARKS)}; at most {MAX_MARKS} in one page"
        problems.append(Problem(display, body_line, message))
    return problems


def render_bounded(renderer: Renderer, page: Page) -> tuple[Rendered | None, list[Problem]]:
    """``renderer.render`` of a page markdown_bounds passed; the raw HTML policy's refusal,
    or a RecursionError on an input the caps did not foresee, comes back as problems."""
    try:
        return renderer.render(page.body, page.project_path), []
    except RecursionError:
        message = "is nested too deeply for the Markdown renderer; flatten its lists and quotes"
        return None, [Problem(page.project_path, page.body_line, message, phase=0)]
    except UnsafeHtmlError as exc:
        return None, exc.problems(page.project_path, page.body, page.body_line)

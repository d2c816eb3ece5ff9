"""limits.py: the caps are inside what Python-Markdown survives, and each is found at its line."""

from __future__ import annotations

import sys
import traceback

import pytest

from sitegen.content import parse_page
from sitegen.limits import (
    MAX_BRACKETS_PER_BLOCK,
    MAX_DEPTH,
    MAX_MARKS_PER_BLOCK,
    blocks,
    markdown_bounds,
    nesting_depth,
    render_bounded,
)
from sitegen.markdown import Renderer


@pytest.mark.parametrize(
    ("line", "depth"),
    [
        ("plain text", 0),
        ("- item", 1),
        ("    - item", 2),
        ("\t\t1. item", 3),
        ("> > - > quoted", 4),
        (">>>> a", 4),
        ("- - - a", 3),
        ("-not a marker", 0),
    ],
)
def test_nesting_depth_counts_indentation_and_markers(line: str, depth: int) -> None:
    assert nesting_depth(line) == depth


def test_blocks_are_runs_of_lines_between_blank_lines() -> None:
    assert blocks("a\nb\n\n\nc\n  \nd") == [(0, "a\nb"), (4, "c"), (6, "d")]


def test_what_the_caps_allow_still_renders() -> None:
    """The caps sit well inside what Python-Markdown survives (it overflows near 250 levels)."""
    renderer = Renderer(())
    deep = "".join("    " * i + "- a\n" for i in range(MAX_DEPTH))
    quotes = "> " * MAX_DEPTH + "deep\n"
    brackets = "[" * MAX_BRACKETS_PER_BLOCK + "\n"
    marks = "*x* " * (MAX_MARKS_PER_BLOCK // 2) + "\n"
    for body in (deep, quotes, brackets, marks):
        assert markdown_bounds(body, "content/articles/x.md", 11) == []
        assert renderer.render(body, "content/articles/x.md").html


def test_beyond_the_caps_is_a_problem_at_the_block() -> None:
    body = "Intro.\n\n" + "".join("    " * i + "- a\n" for i in range(MAX_DEPTH + 5))
    (problem,) = markdown_bounds(body, "content/articles/x.md", 11)
    assert (problem.path, problem.line) == ("content/articles/x.md", 11 + 2 + MAX_DEPTH)
    (problem,) = markdown_bounds("Intro.\n\n" + "[" * 30_000 + "\n", "content/articles/x.md", 11)
    assert problem.line == 13 and "30000" in problem.message


def test_too_many_brackets_in_a_page_is_a_problem() -> None:
    body = "\n\n".join(["[a] " * 400] * 14)
    (problem,) = markdown_bounds(body, "content/articles/x.md", 1)
    assert problem.message == 'the page holds 5600 "["; at most 5000 are allowed in one page'


def test_too_much_markup_in_a_page_is_a_problem() -> None:
    body = "\n\n".join(["*x* " * 900] * 12)
    (problem,) = markdown_bounds(body, "content/articles/x.md", 1)
    assert problem.message == "the page holds 21600 of the characters [ < * _ ` & !; at most 20000 in one page"


def test_a_recursion_error_the_caps_did_not_foresee_is_a_problem_not_a_crash() -> None:
    body = "".join("    " * i + "- a\n" for i in range(30))
    page, _ = parse_page("articles/x.md", "page", "---\ntitle: X\nsummary: Y.\n---\n" + body)
    assert page is not None
    renderer = Renderer(())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 80)  # as if the stack were nearly used up already
    try:
        rendered, problems = render_bounded(renderer, page)
    finally:
        sys.setrecursionlimit(limit)
    assert rendered is None
    assert [str(p) for p in problems] == [
        "content/articles/x.md:5: is nested too deeply for the Markdown renderer; flatten its lists and quotes"
    ]
    assert render_bounded(renderer, page)[0] is not None  # and the renderer still works afterwards

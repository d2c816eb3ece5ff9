"""Rendering in worker processes (sitegen/workers.py): each page under a time limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sitekit import GOOD_BODY, SITE_YAML, article

from sitegen.config import load_config
from sitegen.workers import SourceJob, render_sources


def test_a_page_that_takes_too_long_is_stopped_and_named_and_the_others_render(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"site.yaml": SITE_YAML + "render_timeout: 1\n"})
    config = load_config(root)
    slow = article("slow", 9, "## Why\n\n" + "\n\n".join("word " * 100 for _ in range(40_000)))  # 20 MB of prose
    jobs = [
        SourceJob("articles/alpha.md", "article", article("alpha", 1, GOOD_BODY["alpha"]).encode()),
        SourceJob("articles/slow.md", "article", slow.encode()),
        SourceJob("articles/beta.md", "article", article("beta", 2, GOOD_BODY["beta"]).encode()),
    ]
    started = time.monotonic()
    alpha, stopped, beta = render_sources(jobs, (), {}, config, workers=1)
    assert time.monotonic() - started < 30  # the slow page alone would take minutes
    assert alpha.entry is not None and beta.entry is not None  # the worker after the stopped one renders
    assert stopped.entry is None
    assert [str(p) for p in stopped.problems] == [
        "content/articles/slow.md:1: its rendering took longer than 1 s and was stopped; look for very long runs "
        "of brackets, asterisks or deep nesting (site.yaml's render_timeout sets the time limit)"
    ]


def test_workers_give_the_same_results_as_one(make_site: Callable[..., Path]) -> None:
    root = make_site()
    config = load_config(root)
    jobs = [
        SourceJob(f"articles/a{i}.md", "article", article(f"a{i}", i, GOOD_BODY["alpha"]).encode()) for i in range(9)
    ]
    assert render_sources(jobs, (), {}, config, workers=1) == render_sources(jobs, (), {}, config, workers=2)

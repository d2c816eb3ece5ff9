"""One invalid sample per kind of error: the editor sees file:line, what is wrong, and exit 1 (or 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import GOOD_BODY, SITE_YAML, article, run_build

ALPHA = "content/articles/alpha.md"
BETA = "content/articles/beta.md"

# (id, files to add or replace, expected line in the output, exit code)
CASES: list[tuple[str, dict[str, str | bytes], str, int]] = [
    (
        "unknown-key",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], titel='"x"')},
        f'{ALPHA}:10: unknown key "titel". Did you mean "title"?',
        1,
    ),
    (
        "duplicate-key",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"]).replace("order: 1\n", "order: 1\norder: 2\n")},
        f'{ALPHA}:5: duplicate key "order" (first given on line 4)',
        1,
    ),
    (
        "wrong-type",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], order='"first"')},
        f'{ALPHA}:4: "order" must be a whole number',
        1,
    ),
    (
        "bad-choice",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], evidence="limted")},
        f'{ALPHA}:6: "evidence" must be one of strong, moderate, limited, mixed, insufficient, not \'limted\'. Did you mean "limited"?',
        1,
    ),
    (
        "missing-required",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], evidence=None)},
        f'{ALPHA}:1: missing required key "evidence"',
        1,
    ),
    ("invalid-yaml", {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], summary='"open')}, f"{ALPHA}:", 1),
    (
        "no-front-matter",
        {ALPHA: "## Why\n\nText\n"},
        f'{ALPHA}:1: must start with front matter between two "---" lines',
        1,
    ),
    (
        "unclosed-front-matter",
        {ALPHA: "---\ntitle: x\n\n## Why\n"},
        f'{ALPHA}:1: front matter starts with "---" but has no closing "---" line',
        1,
    ),
    (
        "invalid-utf8",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"]).encode() + b"\nbad \xff byte\n"},
        f"{ALPHA}:19: is not valid UTF-8 (byte 0xff at column 5)",
        1,
    ),
    (
        "bad-slug",
        {"content/articles/Alpha_2.md": article("x", 3, GOOD_BODY["beta"])},
        'content/articles/Alpha_2.md:1: slug "Alpha_2" from the file name must use only a-z, 0-9 and single hyphens',
        1,
    ),
    (
        "output-collision",
        {"content/articles/gamma.md": article("gamma", 3, GOOD_BODY["beta"], slug="alpha")},
        "writes alpha/index.html, as content/articles/alpha.md does",
        1,
    ),
    (
        "missing-page",
        {BETA: article("beta", 2, GOOD_BODY["beta"].replace("alpha.md", "alfa.md"))},
        f'{BETA}:17: link "alfa.md": content/articles/alfa.md does not exist. Did you mean "alpha.md"?',
        1,
    ),
    (
        "missing-anchor",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"].replace("beta.md#what", "beta.md#wat"), related="[beta]")},
        f'{ALPHA}:17: link "beta.md#wat": no heading or anchor "#wat" in content/articles/beta.md. Did you mean "what"?',
        1,
    ),
    (
        "bad-link-form",
        {BETA: article("beta", 2, GOOD_BODY["beta"].replace("alpha.md", "../alpha/"))},
        f'{BETA}:17: link "../alpha/" does not point to a Markdown source or a file under static/',
        1,
    ),
    (
        "missing-static",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\n![chart](../../static/chart.png)\n")},
        f'{BETA}:19: link "../../static/chart.png": file static/chart.png does not exist',
        1,
    ),
    (
        "unknown-citation",
        {BETA: article("beta", 2, GOOD_BODY["beta"].replace("@moyer2004", "@moyer2005"))},
        f'{BETA}:17: unknown source "@moyer2005". Did you mean "moyer2004"?',
        1,
    ),
    (
        "malformed-citation",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\nAs shown [@moyer 2004].\n")},
        f'{BETA}:19: citation "[@moyer 2004]" must look like [@id] or [@id1; @id2]',
        1,
    ),
    (
        "background-misuse",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\nColds [@cohen1991].\n")},
        f'{BETA}:19: "@cohen1991" is a background source (it does not test massage); cite it only under "## Why"',
        1,
    ),
    (
        "too-few-citations",
        {BETA: article("beta", 2, GOOD_BODY["beta"].replace(" and [@moyer2004]", ""))},
        f"{BETA}:11: cites 0 research source(s); each article needs at least 1",
        1,
    ),
    (
        "unknown-related",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], related="[betta]")},
        f'{ALPHA}:5: related article "betta" does not exist. Did you mean "beta"?',
        1,
    ),
    (
        "missing-section",
        {BETA: article("beta", 2, GOOD_BODY["beta"].replace("## Why", "## Whyy"))},
        f'{BETA}:11: missing the required section "## Why" (id why)',
        1,
    ),
    (
        "duplicate-order",
        {BETA: article("beta", 1, GOOD_BODY["beta"])},
        f"{BETA}:4: order 1 is also used by {ALPHA}",
        1,
    ),
    (
        "banned-phrase",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\nMassage is a great detox.\n")},
        f'{BETA}:19: "detox": we never publish "detox" unqualified',
        1,
    ),
    (
        "h1-in-body",
        {BETA: article("beta", 2, "# Title\n\n" + GOOD_BODY["beta"])},
        f"{BETA}:11: use ## for sections",
        1,
    ),
    (
        "glossary-duplicate",
        {"content/glossary.yaml": "- term: cortisol\n  definition: A.\n- term: Cortisol\n  definition: B.\n"},
        'content/glossary.yaml:3: "Cortisol" is already a spelling of "cortisol"',
        1,
    ),
    (
        "bibliography-conflict",
        {
            "content/references.yaml": "stress:\n- id: moyer2004\n  authors: A\n  title: T\n"
            "sleep:\n- id: moyer2004\n  authors: A\n  title: Other title\n"
        },
        'content/references.yaml:6: source "moyer2004" appears twice with different details',
        1,
    ),
    (
        "bibliography-unknown-key",
        {
            "content/references.yaml": "stress:\n- id: moyer2004\n  authors: A\n  title: T\n  verified: true\n  evidence_notes: x\n"
        },
        'content/references.yaml:6: source "moyer2004" has an unknown key "evidence_notes". Did you mean "evidence_note"?',
        1,
    ),
    (
        "bibliography-unverified-without-reason",
        {"content/references.yaml": "stress:\n- id: moyer2004\n  authors: A\n  title: T\n  verified: false\n"},
        'content/references.yaml:2: source "moyer2004" is not verified: give readers the reason in "unverified_reason"',
        1,
    ),
    (
        "template-error",
        {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n{{ page.titel }}\n{% endblock %}\n"},
        "templates/page.html:3: template error:",
        1,
    ),
    (
        "template-syntax",
        {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n{{ page.title }\n{% endblock %}\n"},
        "templates/page.html:3: template syntax error:",
        1,
    ),
    (
        "unknown-reviewer",
        {
            "content/people.yaml": '- id: test-reviewer\n  name: "Test Reviewer"\n  role: "Test role"\n',
            ALPHA: article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", reviewers="[test-reviewr]"),
        },
        f'{ALPHA}:10: unknown reviewer "test-reviewr". Did you mean "test-reviewer"?',
        1,
    ),
    (
        "person-without-role",
        {"content/people.yaml": '# reviewers\n- id: test-reviewer\n  name: "Test Reviewer"\n'},
        'content/people.yaml:2: missing required key "role" (text)',
        1,
    ),
    (
        "next-review-before-reviewed",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], related="[beta]", next_review="2025-01-01")},
        f'{ALPHA}:10: "next_review" 2025-01-01 must be after "reviewed" 2026-01-31',
        1,
    ),
    (
        "site-yaml-bad-report-url",
        {"site.yaml": SITE_YAML + 'report_problem_url: "github.com/owner/repo"\n'},
        'site.yaml:12: report_problem_url "github.com/owner/repo" must be an https:// or mailto: address',
        2,
    ),
    (
        "scaffold-placeholder",
        {
            ALPHA: article(
                "alpha", 1, GOOD_BODY["alpha"], related="[beta]", summary='"TODO: one or two plain sentences."'
            )
        },
        f'{ALPHA}:3: "summary" still has the placeholder "TODO: ..." from build.py new: write it, or set draft: true',
        1,
    ),
    (
        "site-yaml-unknown-key",
        {"site.yaml": SITE_YAML + "titel: x\n"},
        'site.yaml:12: unknown key "titel". Did you mean "title"?',
        2,
    ),
    (
        "site-yaml-bad-base-url",
        {"site.yaml": SITE_YAML.replace('base_url: "/"', 'base_url: "ftp://x"')},
        'site.yaml:4: base_url "ftp://x" must be a path',
        2,
    ),
]


@pytest.mark.parametrize(("files", "expected", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_error_kind_is_reported_with_file_and_line(
    make_site: Callable[..., Path], files: dict[str, str | bytes], expected: str, code: int
) -> None:
    root = make_site(files)
    result = run_build("--project", root, "check")
    assert expected in result.stderr, result.stderr
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_every_problem_is_reported_in_one_run(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            ALPHA: article("alpha", 1, GOOD_BODY["alpha"].replace("beta.md#what", "gone.md"), related="[beta]"),
            BETA: article("beta", 2, GOOD_BODY["beta"].replace("@moyer2004", "@nobody")),
        }
    )
    result = run_build("--project", root, "check")
    assert result.returncode == 1
    assert "gone.md" in result.stderr and "@nobody" in result.stderr

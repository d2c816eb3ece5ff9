"""One invalid sample per kind of error: the editor sees file:line, what is wrong, and exit 1 (or 2)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import GLOSSARY, GOOD_BODY, REFERENCES, ROOT, SITE_YAML, article, run_build

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
        'site.yaml:12: report_problem_url "github.com/owner/repo" must be an https://, mailto: or /path address',
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
    # -- issue #17: what a careless editor or an attacker types ---------------------------------
    (
        "control-character-in-front-matter",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], summary='"A \x1b[31m summary."')},
        f"{ALPHA}:3: U+001B (a control character) at column 13 is not allowed",
        1,
    ),
    (
        "nul-in-body",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\nA \x00 here.\n")},
        f"{ALPHA}:19: U+0000 (a control character) at column 3 is not allowed",
        1,
    ),
    (
        "c1-control-in-body",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\nA \x85 here.\n")},
        f"{ALPHA}:19: U+0085 (a control character) at column 3 is not allowed",
        1,
    ),
    (
        "noncharacter-in-body",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\nA \ufffe here.\n")},
        f"{ALPHA}:19: U+FFFE (a Unicode noncharacter) at column 3 is not allowed",
        1,
    ),
    (
        "control-character-as-yaml-escape",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], title='"Al\\epha"')},
        f"{ALPHA}:2: U+001B (a control character) written as an escape is not allowed",
        1,
    ),
    (
        "delete-character-as-yaml-escape",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], title='"Al\\x7fpha"')},
        f"{ALPHA}:2: U+007F (a control character) written as an escape is not allowed",
        1,
    ),
    (
        "control-character-in-references",
        {"content/references.yaml": REFERENCES.replace("A meta-analysis", "A meta\x07analysis")},
        "content/references.yaml:5: U+0007 (a control character) at column 19 is not allowed",
        1,
    ),
    (
        "control-character-in-glossary",
        {"content/glossary.yaml": GLOSSARY.replace("A hormone", "A\x0bhormone")},
        "content/glossary.yaml:2: U+000B (a control character) at column 17 is not allowed",
        1,
    ),
    (
        "control-character-in-site-yaml",
        {"site.yaml": SITE_YAML.replace("A tagline", "A\x1ftagline")},
        "site.yaml:2: U+001F (a control character) at column 12 is not allowed",
        2,
    ),
    (
        "yaml-alias-bomb-in-tags",
        {
            ALPHA: article(
                "alpha",
                1,
                GOOD_BODY["alpha"],
                related='&a ["x","x","x","x","x","x","x","x"]',
                tags="[*a,*a,*a,*a,*a,*a,*a,*a,*a]",
            )
        },
        f'{ALPHA}:5: YAML anchors ("&a") are not allowed; write the value out',
        1,
    ),
    (
        "yaml-alias-alone",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], tags="[*a]")},
        f'{ALPHA}:10: YAML aliases ("*a") are not allowed; write the value out',
        1,
    ),
    (
        "yaml-anchor-in-references",
        {"content/references.yaml": REFERENCES.replace("stress:\n  - id", "stress: &s\n  - id", 1)},
        'content/references.yaml:1: YAML anchors ("&s") are not allowed',
        1,
    ),
    (
        "yaml-merge-key-in-glossary",
        {"content/glossary.yaml": "- &t {term: a, definition: b}\n- <<: *t\n"},
        'content/glossary.yaml:1: YAML anchors ("&t") are not allowed',
        1,
    ),
    (
        "yaml-nested-too-deep",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], tags="[" * 17 + "]" * 17)},
        f"{ALPHA}:10: lists and mappings are nested more than 16 deep",
        1,
    ),
    (
        "impossible-date",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], reviewed="2026-02-31")},
        f'{ALPHA}:9: invalid value "2026-02-31": day is out of range for month',
        1,
    ),
    (
        "integer-too-long",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], order="9" * 5000)},
        f"{ALPHA}:4: invalid value",
        1,
    ),
    (
        "lists-nested-too-deep",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\n" + "".join("    " * i + "- a\n" for i in range(300)))},
        f"{ALPHA}:59: lists and block quotes are nested 41 deep here; at most 40 levels are allowed",
        1,
    ),
    (
        "quotes-nested-too-deep",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\n" + "> " * 300 + "deep\n")},
        f"{ALPHA}:19: lists and block quotes are nested 300 deep here",
        1,
    ),
    (
        "brackets-that-make-markdown-crawl",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\nFine.\n\n" + "[" * 30_000 + "\n")},
        f'{ALPHA}:21: this block holds 30000 "["; at most 500 are allowed in one paragraph',
        1,
    ),
    (
        "emphasis-that-makes-markdown-crawl",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\n" + "*x* " * 8000 + "\n")},
        f"{ALPHA}:19: this block holds 16000 of the characters [ < * _ ` & !; at most 2000 are allowed in one paragraph",
        1,
    ),
    (
        "raw-html-nested-too-deep",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\n" + "<div>" * 1000 + "\n")},
        f"{BETA}:19: raw HTML is nested more than 64 elements deep",
        1,
    ),
    (
        "raw-html-script",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\n<script>alert(1)</script>\n")},
        f"{BETA}:19: raw HTML <script> is not allowed",
        1,
    ),
    (
        "raw-html-meta-refresh",
        {
            BETA: article(
                "beta", 2, GOOD_BODY["beta"] + '\n<META http-equiv="refresh" content="0;url=https://example.com">\n'
            )
        },
        f"{BETA}:19: raw HTML <meta> is not allowed",
        1,
    ),
    (
        "raw-html-iframe-inline",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\nSee <iframe src=x></iframe> here.\n")},
        f"{BETA}:19: raw HTML <iframe> is not allowed",
        1,
    ),
    (
        "raw-html-event-attribute",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\nA <img src=x.png alt=x onerror=alert(1)> b.\n")},
        f'{BETA}:19: raw HTML <img>: the attribute "onerror" (a script) is not allowed',
        1,
    ),
    (
        "raw-html-javascript-url-with-entities",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + '\n<a href="  JaVa&#x09;ScRipt&colon;alert(1)">x</a>\n')},
        f"{BETA}:19: raw HTML <a>: the href",
        1,
    ),
    (
        "raw-html-style-attribute",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + '\n<span style="color:red">x</span>\n')},
        f'{BETA}:19: raw HTML <span>: the attribute "style" is not allowed on <span>',
        1,
    ),
    (
        "markdown-javascript-link",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\n[click](javascript:alert(1))\n")},
        f'{BETA}:19: the href "javascript:alert(1)" is not allowed: javascript:, data: and vbscript: URLs are refused',
        1,
    ),
    (
        "markdown-data-image",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + "\n![x](data:text/html;base64,PHNjcmlwdD4=)\n")},
        f'{BETA}:19: the src "data:text/html;base64,PHNjcmlwdD4=" is not allowed',
        1,
    ),
    (
        "attr-list-event-handler",
        {BETA: article("beta", 2, GOOD_BODY["beta"] + '\nA paragraph.\n{: onclick="alert(1)" }\n')},
        f'{BETA}:20: the attribute "onclick" (a script) is not allowed',
        1,
    ),
    (
        "invalid-utf8-in-css",
        {"static/extra.css": b"body { color: red; }\n/* \xff */\n"},
        "static/extra.css:2: is not valid UTF-8 (byte 0xff at column 4)",
        1,
    ),
    (
        "invalid-utf8-in-a-template",
        {"templates/page.html": b"{% extends 'base.html' %}\n{# \xff #}\n"},
        "templates/page.html:2: is not valid UTF-8 (byte 0xff at column 4)",
        1,
    ),
    (
        "huge-unknown-key",
        {ALPHA: article("alpha", 1, GOOD_BODY["alpha"], **{"k" * 1000: "1"})},
        f'{ALPHA}:10: unknown key "{"k" * 57}...".',
        1,
    ),
    (
        "invalid-utf8-in-site-yaml",
        {"site.yaml": SITE_YAML.encode() + b'editor: "\xe9"\n'},
        "site.yaml:12: is not valid UTF-8 (byte 0xe9 at column 10)",
        2,
    ),
    (
        "favicon-hidden-name",
        {"site.yaml": SITE_YAML + "favicon: .icon.svg\n", "static/.icon.svg": "<svg/>"},
        "site.yaml:12: favicon: a hidden or backup file name, which is never published",
        2,
    ),
    (
        "bibliography-path-is-a-folder",
        {"site.yaml": SITE_YAML + "bibliography: content\n"},
        "site.yaml:12: bibliography: content is a folder, not a file",
        2,
    ),
    (
        "glossary-path-misspelt",
        {"site.yaml": SITE_YAML + "glossary: content/glosary.yaml\n"},
        "site.yaml:12: glossary: content/glosary.yaml does not exist",
        2,
    ),
    (
        "bibliography-outside-the-project",
        {"site.yaml": SITE_YAML + "bibliography: ../../../etc/passwd\n"},
        "site.yaml:12: bibliography: ../../../etc/passwd lies outside the project",
        2,
    ),
    (
        "favicon-missing",
        {"site.yaml": SITE_YAML + "favicon: icon.png\n"},
        "site.yaml:12: favicon: icon.png does not exist (the favicon is a file under static/)",
        2,
    ),
    (
        "report-url-javascript",
        {"site.yaml": SITE_YAML + 'report_problem_url: "javascript:alert(1)"\n'},
        'site.yaml:12: report_problem_url "javascript:alert(1)" must be an http:// or https:// address, a mailto: address or a path starting with /',
        2,
    ),
    (
        "base-url-with-a-quote",
        {"site.yaml": SITE_YAML.replace('base_url: "/"', """base_url: 'https://ex.org/"x/'""")},
        """site.yaml:4: base_url "https://ex.org/"x/" must be a path""",
        2,
    ),
    (
        "base-url-bad-port",
        {"site.yaml": SITE_YAML.replace('base_url: "/"', 'base_url: "https://ex.org:port/"')},
        'site.yaml:4: base_url "https://ex.org:port/" must be a path',
        2,
    ),
    (
        "render-timeout-zero",
        {"site.yaml": SITE_YAML + "render_timeout: 0\n"},
        "site.yaml:12: render_timeout must be at least 1 (seconds)",
        2,
    ),
    (
        "reference-url-javascript",
        {
            "content/references.yaml": REFERENCES.replace(
                "    verified: true\nbackground", '    url: "javascript:alert(1)"\n    verified: true\nbackground', 1
            )
        },
        'content/references.yaml:2: source "moyer2004": url "javascript:alert(1)" must be an http:// or https:// address',
        1,
    ),
    (
        "reference-doi-not-a-doi",
        {"content/references.yaml": REFERENCES.replace("10.1037/0033-2909.130.1.3", "10.1037/x><script>")},
        'content/references.yaml:2: source "moyer2004": doi "10.1037/x><script>" is not a DOI',
        1,
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


# (id, link under the project, what it points at: "outside-file", "outside-folder", "nowhere", expected, code)
LINK_CASES: list[tuple[str, str, str, str, int]] = [
    ("site-yaml-from-outside", "site.yaml", "outside-file", "site.yaml: is a symlink to", 2),
    (
        "static-file-to-etc-passwd",
        "static/pw.txt",
        "/etc/passwd",
        "static/pw.txt: is a symlink to /etc/passwd, outside the project",
        1,
    ),
    ("static-dangling", "static/gone.png", "nowhere", "static/gone.png: is a symlink to", 1),
    ("article-from-outside", ALPHA, "outside-file", f"{ALPHA}: is a symlink to", 1),
    (
        "content-folder-from-outside",
        "content/articles/more",
        "outside-folder",
        "content/articles/more: is a symlink to",
        1,
    ),
    ("template-from-outside", "templates/page.html", "outside-file", "templates/page.html: is a symlink to", 1),
    (
        "templates-folder-from-outside",
        "templates",
        "outside-folder",
        "templates: the templates/ folder: templates lies outside the project",
        2,
    ),
]


@pytest.mark.parametrize(
    ("link", "target", "expected", "code"), [c[1:] for c in LINK_CASES], ids=[c[0] for c in LINK_CASES]
)
def test_a_symlink_out_of_the_project_is_an_error_naming_it(
    make_site: Callable[..., Path], tmp_path: Path, link: str, target: str, expected: str, code: int
) -> None:
    root = make_site()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(article("alpha", 1, GOOD_BODY["alpha"] + "\nSECRET-TEXT\n"), encoding="utf-8")
    chosen = {"outside-file": outside / "secret.md", "outside-folder": outside, "nowhere": outside / "gone"}
    path = root / link
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.symlink_to(chosen.get(target, Path(target)))
    result = run_build("--project", root, "build", "--out", root / "_site")
    assert expected in result.stderr, result.stderr
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "_site").exists()  # nothing was published, so nothing from outside


# (id, files, arguments after --project, expected, code)
COMMAND_CASES: list[tuple[str, dict[str, str | bytes], list[str], str, int]] = [
    (
        "out-under-a-file",
        {"afile": "x"},
        ["build", "--out", "{root}/afile/site"],
        "--out: {root}/afile/site cannot be created: {root}/afile is a file, not a folder",
        2,
    ),
    (
        "base-url-malformed",
        {},
        ["check", "--base-url", "http://[::1/"],
        '--base-url: base_url "http://[::1/" must be a path',
        2,
    ),
    (
        "base-url-with-a-space",
        {},
        ["check", "--base-url", "https://ex.org/a b/"],
        '--base-url: base_url "https://ex.org/a b/" must be a path',
        2,
    ),
    ("new-title-too-long", {}, ["new", "a" * 300], "new: the title is 300 characters long; at most 120", 2),
    (
        "new-title-with-a-control-character",
        {},
        ["new", "Skin\x1bhealth"],
        "new: the title must be one line of visible text",
        2,
    ),
]


@pytest.mark.parametrize(
    ("files", "arguments", "expected", "code"), [c[1:] for c in COMMAND_CASES], ids=[c[0] for c in COMMAND_CASES]
)
def test_each_command_line_mistake_is_reported(
    make_site: Callable[..., Path], files: dict[str, str | bytes], arguments: list[str], expected: str, code: int
) -> None:
    root = make_site(files)
    result = run_build("--project", root, *(a.replace("{root}", str(root)) for a in arguments))
    assert expected.replace("{root}", str(root)) in result.stderr, result.stderr
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_a_files_own_parse_error_is_printed_before_the_errors_it_causes(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "content/articles/zeta.md": "---\ntitle: [unclosed\n---\n",
            ALPHA: article("alpha", 1, GOOD_BODY["alpha"] + "\n[z](zeta.md)\n", related="[beta]"),
        }
    )
    result = run_build("--project", root, "check")
    lines = result.stderr.splitlines()
    own = next(i for i, line in enumerate(lines) if line.startswith("content/articles/zeta.md:"))
    caused = next(i for i, line in enumerate(lines) if "zeta.md does not exist" in line)
    assert own < caused, result.stderr
    assert result.returncode == 1


def test_an_alias_bomb_is_refused_within_a_second(make_site: Callable[..., Path]) -> None:
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'] + [
        f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)
    ]
    root = make_site({"content/glossary.yaml": "\n".join(levels) + "\n"})
    started = time.monotonic()
    result = run_build("--project", root, "check")
    assert time.monotonic() - started < 5  # the start-up of a build included; the YAML part is milliseconds
    assert 'content/glossary.yaml:1: YAML anchors ("&a0") are not allowed' in result.stderr, result.stderr


def test_a_missing_pagefind_program_is_a_setup_error_that_keeps_the_last_site(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site()
    out = tmp_path / "site"
    assert run_build("--project", root, "build", "--out", out).returncode == 0
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    missing = tmp_path / "no-such-pagefind"
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(root), "build", "--no-cache", "--out", str(out)]
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(missing)}  # where pagefind.service looks first
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    expected = f"pagefind: the Pagefind program is missing ({missing}); install it with `pip install 'pagefind[bin]'`"
    assert expected in result.stderr and "--no-search" in result.stderr, result.stderr
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file()) == before

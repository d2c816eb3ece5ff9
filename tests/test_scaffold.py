"""`build.py new` leaves "TODO:" placeholders: a draft may keep them, a published page may not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitekit import run_build


def test_a_scaffold_is_a_quiet_draft_but_published_its_placeholders_are_errors(make_site: Callable[..., Path]) -> None:
    root = make_site()
    assert run_build("--project", root, "new", "Skin health").returncode == 0
    source = root / "content/articles/skin-health.md"
    assert run_build("--project", root, "check").returncode == 0
    result = run_build(
        "--project", root, "check", "--drafts"
    )  # shown as a draft: not yet written, but no placeholder errors
    assert "skin-health.md" in result.stderr and "placeholder" not in result.stderr, result.stderr
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    result = run_build("--project", root, "check")
    assert result.returncode == 1
    lines = text.split("\n")
    for key in ("summary", "evidence_reason", "key_points", "studied", "studied_in"):
        line = next(n for n, raw in enumerate(lines, start=1) if raw.startswith(f"{key}:"))
        assert f'content/articles/skin-health.md:{line}: "{key}" still has the placeholder "TODO: ..."' in result.stderr
    body_line = next(n for n, raw in enumerate(lines, start=1) if raw.startswith("TODO: write this section"))
    assert f"content/articles/skin-health.md:{body_line}: the text still has the placeholder" in result.stderr
    assert "Traceback" not in result.stderr

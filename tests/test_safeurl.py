"""safeurl.py: addresses and project paths that site.yaml and references.yaml may give."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.publish import escape
from sitegen.safeurl import make_output_parent, project_path_problem, web_address_problem


@pytest.mark.parametrize("value", ["https://example.org/issues/new", "http://x.org:8080/a?b=c#d"])
def test_http_addresses_are_accepted(value: str) -> None:
    assert web_address_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        "data:text/html,x",
        "ftp://x.org/",
        "https://",
        "https://x.org/a b",
        'https://x.org/"x',
        "https://x.org:port/",
        "//x.org/",
        "/relative",
        "mailto:a@b.org",
        "https://x.org/\x1b",
    ],
)
def test_anything_else_is_refused(value: str) -> None:
    assert web_address_problem(value) is not None


def test_mailto_and_paths_where_allowed() -> None:
    assert web_address_problem("mailto:editors@example.org", mailto=True) is None
    assert web_address_problem("/about/#report", relative=True) is None
    assert web_address_problem("//evil.org/", relative=True) is not None


def test_project_paths_must_exist_be_of_their_kind_and_stay_inside(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "refs.yaml").write_text("x: 1\n")
    assert project_path_problem(tmp_path, "content/refs.yaml") is None
    assert project_path_problem(tmp_path, "content") == "content is a folder, not a file"
    assert project_path_problem(tmp_path, "content/nope.yaml") == "content/nope.yaml does not exist"
    assert "outside the project" in (project_path_problem(tmp_path, "../../etc/passwd") or "")
    (tmp_path / "content" / "link.yaml").symlink_to("/etc/hostname")
    assert "outside the project" in (project_path_problem(tmp_path, "content/link.yaml") or "")


def test_an_output_folder_under_a_file_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert make_output_parent(tmp_path / "file" / "a" / "site") == f"{tmp_path / 'file'} is a file, not a folder"
    assert make_output_parent(tmp_path / "new" / "site") is None


def test_the_one_xml_escape_covers_text_and_attributes() -> None:
    assert escape("""a & b < c > d " e ' f""") == "a &amp; b &lt; c &gt; d &quot; e &apos; f"

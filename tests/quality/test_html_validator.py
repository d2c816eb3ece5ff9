"""The Nu HTML Checker (npm vnu-jar, run with Java): zero errors on every page and stylesheet."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict

import pytest

from .conftest import VNU_JAR, Site, require_executable, require_file

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_page_and_stylesheet_is_valid(site: Site) -> None:
    java = require_executable("java")
    jar = require_file(VNU_JAR, "the Nu HTML Checker (npm vnu-jar)")
    stylesheets = sorted(site.root.rglob("*.css"))
    files = [page.file for page in site.pages] + stylesheets
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--also-check-css", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    checked = {f"file:{path}" for path in files}
    errors: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        if message["type"] == "info":  # warnings and notes; the issue asks for zero errors
            continue
        where = message.get("url", "?").removeprefix(f"file:{site.root}")
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())
        errors[where].append(f"  line {line}: {message['message']}\n      in: {extract}")
    assert not errors, f"Nu HTML Checker: {sum(map(len, errors.values()))} errors\n" + "\n".join(
        f"{page}\n" + "\n".join(lines) for page, lines in sorted(errors.items())
    )
    assert len(checked) == len(files) and stylesheets, "no stylesheet found to check"

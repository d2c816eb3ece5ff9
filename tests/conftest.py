"""Shared fixtures: small projects written into tmp_path from a dict of files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import ROOT, good_files


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a project (real templates and static files plus ``files``) and return its folder."""

    def make(files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "project"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(ROOT / "templates", root / "templates")
        shutil.copytree(ROOT / "static", root / "static")
        merged: dict[str, str | bytes] = {**(good_files() if base else {}), **(files or {})}
        for name, data in merged.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return make

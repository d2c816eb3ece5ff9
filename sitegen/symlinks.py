"""Symlinks in content/, static/ and templates/: one whose target lies outside the project
(or nowhere) is an error naming it, so that nothing outside the project is read into the
site, however the link is made (a file, a folder, or the folder itself)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem

SOURCE_FOLDERS = ("content", "static", "templates")


def link_problem(path: Path, project: Path) -> str | None:
    """What is wrong with the symlink at ``path``, or None if it stays inside ``project`` (resolved)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop
        return f"is a symlink to {os.readlink(path)}, which does not exist"
    if not target.is_relative_to(project):
        return f"is a symlink to {target}, outside the project; nothing outside the project is read"
    return None


def outside_links(root: Path, folder: str) -> list[Problem]:
    """Every symlink under ``root/folder`` (and the folder itself) that points outside the project or nowhere."""
    project = root.resolve()
    problems: list[Problem] = []
    pending = [(root / folder, folder)]
    while pending:
        path, shown = pending.pop()
        if path.is_symlink() and (wrong := link_problem(path, project)):
            problems.append(Problem(shown, 0, wrong))
            continue
        if not path.is_dir() or path.is_symlink():  # a link inside the project: its own folder is scanned
            continue
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError as exc:
            problems.append(Problem(shown, 0, f"cannot be read: {exc.strerror}"))
            continue
        pending += [(Path(entry.path), f"{shown}/{entry.name}") for entry in entries]
    return sorted(problems)


def project_links(root: Path) -> list[Problem]:
    """outside_links of every source folder."""
    return [problem for folder in SOURCE_FOLDERS for problem in outside_links(root, folder)]

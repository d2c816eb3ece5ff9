"""Symlinks in content/, static/ and templates/: one whose target lies outside the project
(or nowhere) is an error naming it, so that nothing outside the project is read into the
site, however the link is made (a file, a folder, or the folder itself)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem


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
    """Every symlink under ``root/folder`` (and the folder itself) that points outside the project or nowhere.

    Walked with os.scandir, whose entries know without a system call whether they are links.
    """
    project = root.resolve()
    top = root / folder
    if top.is_symlink():
        wrong = link_problem(top, project)
        return [Problem(folder, 0, wrong)] if wrong else []
    problems: list[Problem] = []
    pending = [(str(top), folder)]
    while pending:
        path, shown = pending.pop()
        try:
            entries = list(os.scandir(path))
        except FileNotFoundError:
            continue  # no such folder: whoever needs it says so
        except OSError as exc:
            problems.append(Problem(shown, 0, f"cannot be read: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.is_symlink():
                if wrong := link_problem(Path(entry.path), project):
                    problems.append(Problem(f"{shown}/{entry.name}", 0, wrong))
            elif entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, f"{shown}/{entry.name}"))
    return sorted(problems)

"""Static files: collect, fingerprint CSS and JavaScript, rewrite url() references."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from .content import decode_problem, walk_files
from .errors import Problem, SiteError
from .symlinks import outside_links

FINGERPRINTED = (".css", ".js")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def fingerprint(name: str, data: bytes) -> str:
    """'static/style.css' -> 'static/style.1a2b3c4d5e.css'."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def read_static(static_dir: Path) -> dict[str, bytes]:
    """'static/...' -> bytes of every file under static/; a symlink out of the project, or a
    file that cannot be read, is a SiteError naming it."""
    problems = outside_links(static_dir.parent, static_dir.name)
    files: dict[str, bytes] = {}
    if static_dir.is_dir() and not problems:
        for relative in sorted(walk_files(static_dir)):
            try:
                files["static/" + relative] = (static_dir / relative).read_bytes()
            except OSError as exc:
                problems.append(Problem(f"static/{relative}", 0, f"cannot be read: {exc.strerror}"))
    if problems:
        raise SiteError(problems)
    return files


def collect_assets(static_dir: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Return (static path -> output path, output path -> bytes) for everything under static/."""
    files = read_static(static_dir)
    manifest = {name: name for name in files if not name.endswith(FINGERPRINTED)}
    for name in sorted(files):  # CSS last so its url() targets are already named
        if name.endswith(".js"):
            manifest[name] = fingerprint(name, files[name])
    for name in sorted(files):
        if name.endswith(".css"):
            files[name] = rewrite_css_urls(name, files[name], manifest)
            manifest[name] = fingerprint(name, files[name])
    output = {manifest[name]: data for name, data in files.items()}
    return manifest, output


def rewrite_css_urls(name: str, data: bytes, manifest: dict[str, str]) -> bytes:
    """Point relative url() references at the fingerprinted names of their targets."""
    folder = posixpath.dirname(name)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if ":" in target or target.startswith(("/", "#")):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved not in manifest:
            return match.group(0)
        return f'url("{posixpath.relpath(manifest[resolved], folder)}")'

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SiteError([decode_problem(name, data, exc)]) from None
    return CSS_URL.sub(replace, text).encode("utf-8")

"""Static files: collect, fingerprint CSS and JavaScript, rewrite url() references."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from .content import is_ignored

FINGERPRINTED = (".css", ".js")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def fingerprint(name: str, data: bytes) -> str:
    """'static/style.css' -> 'static/style.1a2b3c4d5e.css'."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def collect_assets(static_dir: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Return (static path -> output path, output path -> bytes) for everything under static/."""
    files: dict[str, bytes] = {}
    if static_dir.is_dir():
        for path in sorted(static_dir.rglob("*")):
            rel = path.relative_to(static_dir)
            if path.is_file() and not any(is_ignored(Path(p)) for p in rel.parts):
                files["static/" + rel.as_posix()] = path.read_bytes()
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

    return CSS_URL.sub(replace, data.decode("utf-8")).encode("utf-8")

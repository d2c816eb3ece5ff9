"""The Jinja environment (autoescape, StrictUndefined) and template errors as problems."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .content import decode_problem
from .errors import Problem, SiteError
from .symlinks import outside_links


def templates_digest(templates_dir: Path) -> str:
    """A hash of every file under templates/ (names and bytes); a symlink out of the project is a SiteError."""
    if problems := outside_links(templates_dir.parent, templates_dir.name):
        raise SiteError(problems)
    digest = hashlib.sha256()
    for path in sorted(templates_dir.rglob("*")):
        if path.is_file():
            name = path.relative_to(templates_dir).as_posix()
            try:
                data = path.read_bytes()
                data.decode("utf-8")
            except OSError as exc:
                raise SiteError([Problem(f"templates/{name}", 0, f"cannot be read: {exc.strerror}")]) from None
            except UnicodeDecodeError as exc:
                raise SiteError([decode_problem(f"templates/{name}", data, exc)]) from None
            digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja, as the templates need it. No bytecode cache: a cache of compiled code is code we
    would run, and compiling the few templates a rebuild needs costs it tens of milliseconds."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the dev server makes a new one when any template changes: no stat() per page
    )
    # tojson (JSON-LD): compact, non-ASCII kept; it still writes <, >, & and ' as \u escapes
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    env.globals["cite_source"] = _once_per_source(env)
    return env


def _once_per_source(env: jinja2.Environment) -> Callable[[Any], Markup]:
    """``cite_source(source)``: source.html rendered for one bibliography source, with ``source``
    as its only variable. A site cites the same few dozen sources on every page, so each is
    rendered once per environment (a quarter of the template work, included anew on each page)."""
    done: dict[str, tuple[Any, Markup]] = {}  # source id -> (source, its HTML)

    def cite_source(source: Any) -> Markup:
        known = done.get(source.id)
        if known is None or (known[0] is not source and known[0] != source):  # the dev server: an edited source
            known = done[source.id] = source, Markup(env.get_template("source.html").render(source=source))
        return known[1]

    return cite_source


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; any template mistake becomes a SiteError naming file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = _display(exc.filename or name, env)
        raise SiteError([Problem(where, exc.lineno or 0, f"template syntax error: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise SiteError([Problem(f"templates/{exc.name}", 0, "template not found")]) from None
    except Exception as exc:
        where, line = _template_frame(exc, env, name)
        message = str(exc) or type(exc).__name__
        if isinstance(exc, jinja2.UndefinedError):
            message = f"{message} (a misspelt variable or attribute?)"
        raise SiteError([Problem(where, line, f"template error: {message}")]) from exc


def _template_frame(exc: BaseException, env: jinja2.Environment, name: str) -> tuple[str, int]:
    """The innermost traceback frame that is in a template file."""
    roots = [Path(p).resolve() for p in getattr(env.loader, "searchpath", [])]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if any(path.is_relative_to(root) for root in roots):
            return _display(frame.filename, env), frame.lineno or 0
    return f"templates/{name}", 0


def _display(filename: str, env: jinja2.Environment) -> str:
    for root in getattr(env.loader, "searchpath", []):
        path = Path(filename)
        try:
            return "templates/" + path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    return filename if filename.startswith("templates/") else f"templates/{filename}"

"""site.yaml -> a validated, frozen Config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .content import decode_problem, decode_source, ignored_name
from .errors import ConfigError, Problem, SiteError, clip
from .people import Person, load_people
from .safeurl import UNSAFE_CHARACTERS, project_path_problem, web_address_problem
from .schema import Field, validate
from .symlinks import link_problem
from .yamlfile import YamlError, load_yaml

SITE_FIELDS: tuple[Field, ...] = (
    Field("title", "str", required=True, min_len=1, max_len=80, doc="the site's name"),
    Field("tagline", "str", required=True, min_len=1, max_len=120, doc="a short line under the name"),
    Field("description", "str", required=True, min_len=1, max_len=300, doc="meta description of the home page"),
    Field("base_url", "str", default="/", doc='where the site lives: "/", "/repo/" or "https://host/repo/"'),
    Field("language", "str", default="en", doc="the BCP 47 language tag of the content, e.g. en-GB"),
    Field("author", "str", required=True, min_len=1, doc="who publishes the site"),
    Field("editor", "str", default="", doc="who edits and reviews the content"),
    Field("disclaimer", "str", required=True, min_len=1, doc="the medical disclaimer shown on every article"),
    Field("report_problem_url", "str", default="", doc="where readers report a mistake (URL or mailto:)"),
    Field("favicon", "str", default="favicon.svg", doc="file under static/ used as the favicon"),
    Field("required_sections", "list", default=[], doc="H2 ids every article must have, in order"),
    Field("min_citations", "int", default=0, doc="distinct research sources each article must cite"),
    Field("min_article_links", "int", default=0, doc="distinct other articles each article must link to"),
    Field("background_section", "str", default="", doc="H2 id of the only section that may cite background sources"),
    Field("toc_min_headings", "int", default=3, doc="show a table of contents from this many headings"),
    Field("bibliography", "str", default="content/references.yaml", doc="the bibliography file"),
    Field("glossary", "str", default="content/glossary.yaml", doc="the glossary file"),
    Field("render_timeout", "int", default=10, doc="seconds one page's Markdown may take to render"),
    Field("people", "str", default="content/people.yaml", doc="the reviewers file (id, name, role, url)"),
    Field("review_interval", "int", default=36, doc="months from an article's review to its next review"),
)
# Keys naming a file of the project, and whether the file may be missing while the key is left out.
PATH_FIELDS = {"bibliography": False, "glossary": True, "people": True}  # name -> may be absent

MAX_REVIEW_INTERVAL = 36  # months: the NHS Standard for Creating Health Content's longest
_REPORT_URL = re.compile(r'^(?:|/(?!/)[^\s"<>]*|mailto:[^\s"<>]+@[^\s"<>]+|https?://[^\s/"<>]+[^\s"<>]*)$')
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything site.yaml says, checked. ``root`` is the project folder."""

    root: Path
    title: str
    tagline: str
    description: str
    base_path: str  # always starts and ends with "/"
    origin: str  # "https://host" or "" when only a path is known
    language: str
    author: str
    editor: str
    disclaimer: str
    report_problem_url: str
    favicon: str
    required_sections: tuple[str, ...]
    min_citations: int
    min_article_links: int
    background_section: str
    toc_min_headings: int
    bibliography: Path
    glossary: Path
    render_timeout: int = 10  # seconds; a page whose rendering takes longer fails the build
    people: tuple[Person, ...] = ()  # named reviewers, from the people file
    review_interval: int = 36  # months
    people_file: str = "content/people.yaml"  # as shown in problems

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"


def split_base_url(value: str) -> tuple[str, str] | None:
    """'https://h/repo' -> ('https://h', '/repo/'); '/repo' -> ('', '/repo/'); None if invalid."""
    if UNSAFE_CHARACTERS.search(value.strip()):
        return None
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.scheme and not parts.hostname:
        return None
    if parts.query or parts.fragment or (not parts.scheme and parts.netloc):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or "//" in path or ".." in path.split("/"):
        return None
    if not path.endswith("/"):
        path += "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    return origin, path


def load_config(root: Path, base_url: str | None = None, report_problem_url: str | None = None) -> Config:
    """Read and validate ``root/site.yaml``; ``base_url`` and ``report_problem_url`` (from the command line) win."""
    path = root / "site.yaml"
    shown = "site.yaml"
    if path.is_symlink() and (wrong := link_problem(path, root.resolve())):
        raise ConfigError([Problem(shown, 0, wrong)])
    try:
        data = path.read_bytes()
        text = decode_source(data)
    except FileNotFoundError:
        raise ConfigError([Problem(shown, 0, f"not found in {root} (is this the project folder?)")]) from None
    except OSError as exc:
        raise ConfigError([Problem(shown, 0, f"cannot be read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([decode_problem(shown, data, exc)]) from None
    try:
        loaded = load_yaml(text)
    except YamlError as exc:
        raise ConfigError([Problem(shown, exc.line, exc.message)]) from None
    if not isinstance(loaded.data, dict):
        raise ConfigError([Problem(shown, 1, "must be a mapping of keys to values (key: value)")])
    values, problems = validate(loaded.data, SITE_FIELDS, path=shown, key_lines=loaded.key_lines)
    raw_base = base_url if base_url is not None else values["base_url"]
    base_line = 0 if base_url is not None else loaded.key_lines.get("base_url", 1)
    split = split_base_url(raw_base)
    if split is None:
        where = "--base-url" if base_url is not None else shown
        problems.append(
            Problem(where, base_line, f'base_url "{clip(raw_base)}" must be a path like "/repo/" or an http(s) URL')
        )
        split = ("", "/")
    problems += setting_problems(root, values, loaded.data, loaded.key_lines)
    if not _LANG.match(values["language"] or ""):
        problems.append(
            Problem(
                shown,
                loaded.key_lines.get("language", 1),
                f'language "{clip(values["language"])}" is not a tag like en or en-GB',
            )
        )
    if report_problem_url is not None:
        values["report_problem_url"] = report_problem_url
    if not _REPORT_URL.match(values["report_problem_url"]):
        from_option = report_problem_url is not None
        where = "--report-problem-url" if from_option else shown
        line = 0 if from_option else loaded.key_lines.get("report_problem_url", 1)
        problems.append(
            Problem(
                where,
                line,
                f'report_problem_url "{clip(values["report_problem_url"])}" must be an https://, mailto: or /path address',
            )
        )
    if not 1 <= values["review_interval"] <= MAX_REVIEW_INTERVAL:
        line = loaded.key_lines.get("review_interval", 1)
        message = f'"review_interval" must be 1 to {MAX_REVIEW_INTERVAL} months (a review at least every three years)'
        problems.append(Problem(shown, line, message))
    if problems:
        raise ConfigError(problems)
    people, people_problems = load_people(root / values["people"], values["people"])
    if people_problems:  # a content file, like the bibliography: exit 1
        raise SiteError(people_problems)
    return Config(
        root=root,
        title=values["title"],
        tagline=values["tagline"],
        description=values["description"],
        base_path=split[1],
        origin=split[0],
        language=values["language"],
        author=values["author"],
        editor=values["editor"],
        disclaimer=values["disclaimer"],
        report_problem_url=values["report_problem_url"],
        favicon=values["favicon"],
        required_sections=tuple(values["required_sections"]),
        min_citations=values["min_citations"],
        min_article_links=values["min_article_links"],
        background_section=values["background_section"],
        toc_min_headings=values["toc_min_headings"],
        bibliography=root / values["bibliography"],
        glossary=root / values["glossary"],
        render_timeout=values["render_timeout"],
        people=people,
        review_interval=values["review_interval"],
        people_file=values["people"],
    )


def setting_problems(root: Path, values: dict[str, Any], given: dict[str, Any], lines: dict[str, int]) -> list[Problem]:
    """The addresses, files and folders site.yaml names: each of the right kind, in the project."""
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem("site.yaml", lines.get(key, 1), message))

    report = values["report_problem_url"]
    if report and (wrong := web_address_problem(report, mailto=True, relative=True)):
        add("report_problem_url", f'report_problem_url "{report[:60]}" {wrong}')
    for key, optional in PATH_FIELDS.items():
        if optional and key not in given and not (root / values[key]).exists():
            continue
        if wrong := project_path_problem(root, values[key]):
            add(key, f"{key}: {wrong}")
    if wrong := project_path_problem(root / "static", values["favicon"]):
        add("favicon", f"favicon: {wrong} (the favicon is a file under static/)")
    elif any(ignored_name(part) for part in Path(values["favicon"]).parts):
        add("favicon", "favicon: a hidden or backup file name, which is never published; rename it")
    for folder in ("templates", "static"):
        if wrong := project_path_problem(root, folder, folder=True):
            problems.append(Problem(folder, 0, f"the {folder}/ folder: {wrong}"))
    if values["render_timeout"] < 1:
        add("render_timeout", "render_timeout must be at least 1 (seconds)")
    return problems

"""site.yaml -> a validated, frozen Config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError, Problem, SiteError
from .people import Person, load_people
from .schema import Field, validate
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
    Field("people", "str", default="content/people.yaml", doc="the reviewers file (id, name, role, url)"),
    Field("review_interval", "int", default=36, doc="months from an article's review to its next review"),
)

MAX_REVIEW_INTERVAL = 36  # months: the NHS Standard for Creating Health Content's longest
_REPORT_URL = re.compile(r"^(?:$|mailto:\S+@\S+$|https?://[^\s/]+\S*$)")
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
    parts = urlsplit(value.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.scheme and not parts.netloc:
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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError([Problem(shown, 0, f"not found in {root} (is this the project folder?)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(shown, 0, f"cannot be read: {exc}")]) from None
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
            Problem(where, base_line, f'base_url "{raw_base}" must be a path like "/repo/" or an http(s) URL')
        )
        split = ("", "/")
    if not _LANG.match(values["language"] or ""):
        problems.append(
            Problem(
                shown,
                loaded.key_lines.get("language", 1),
                f'language "{values["language"]}" is not a tag like en or en-GB',
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
                f'report_problem_url "{values["report_problem_url"]}" must be an https:// or mailto: address',
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
        people=people,
        review_interval=values["review_interval"],
        people_file=values["people"],
    )

"""The people file (content/people.yaml): who reviews the articles -> Person values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .schema import Field, validate
from .yamlfile import read_data_file

PERSON_FIELDS: tuple[Field, ...] = (
    Field("id", "str", required=True, min_len=1, max_len=60, doc="what articles write in reviewers: [...]"),
    Field("name", "str", required=True, min_len=1, max_len=120, doc="the name shown in the byline"),
    Field("role", "str", required=True, min_len=1, max_len=160, doc="role or credentials, as the person states them"),
    Field("url", "str", default="", doc="optional page about the person (https://...)"),
)
PERSON_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Person:
    """One named reviewer."""

    id: str
    name: str
    role: str
    url: str


def load_people(path: Path, display: str) -> tuple[tuple[Person, ...], list[Problem]]:
    """Read the people file; a missing file means no named people yet."""
    text, loaded, unread = read_data_file(path, display, missing=None)
    if loaded is None or loaded.data is None:
        return (), unread
    if not isinstance(loaded.data, list):
        return (), [Problem(display, 1, "must be a list of people (- id: ..., name: ..., role: ...)")]
    people: list[Person] = []
    problems: list[Problem] = []
    for item, line in zip(loaded.data, loaded.item_lines, strict=True):
        person, found = _person(item, line, display, text)
        problems += found
        if person is None:
            continue
        if any(p.id == person.id for p in people):
            problems.append(Problem(display, line, f'person "{person.id}" is listed twice'))
        else:
            people.append(person)
    return tuple(people), problems


def _person(item: object, line: int, display: str, text: str) -> tuple[Person | None, list[Problem]]:
    if not isinstance(item, dict):
        return None, [Problem(display, line, "each person must be a mapping (id: ..., name: ..., role: ...)")]
    key_lines = _key_lines(text, line, item)
    values, problems = validate(item, PERSON_FIELDS, path=display, key_lines=key_lines, default_line=line)
    if not problems and not PERSON_ID.match(values["id"]):
        problems.append(Problem(display, key_lines["id"], f'id "{values["id"]}" must use only a-z, 0-9 and hyphens'))
    if not problems and values["url"] and not values["url"].startswith(("https://", "http://")):
        problems.append(Problem(display, key_lines["url"], f'url "{values["url"]}" must start with https://'))
    if problems:
        return None, problems
    return Person(values["id"], values["name"], values["role"], values["url"]), []


def _key_lines(text: str, first: int, item: dict[object, object]) -> dict[str, int]:
    """The line of each of the item's keys: the first line from ``first`` on that starts with it."""
    lines = text.split("\n")
    found: dict[str, int] = {}
    for key in map(str, item):
        pattern = re.compile(rf"^\s*(?:-\s+)?{re.escape(key)}\s*:")
        for number in range(first, len(lines) + 1):
            if pattern.match(lines[number - 1]):
                found[key] = number
                break
    return found

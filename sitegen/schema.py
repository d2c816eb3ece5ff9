"""Declared schemas for YAML mappings (front matter, site.yaml) and their validation."""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem, clip, suggest


@dataclass(frozen=True, slots=True)
class Field:
    """One allowed key: its kind ("str", "int", "bool", "date", "list", "dict"), rules, default."""

    name: str
    kind: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    doc: str = ""
    max_len: int = 0  # str: characters; list: items
    min_len: int = 0

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return {
            "str": "text",
            "int": "a whole number",
            "bool": "true or false",
            "date": "a date like 2026-01-31",
            "list": "a list of text items, like [a, b]",
            "dict": "a mapping of keys to values",
        }[self.kind]


def _check_kind(value: Any, spec: Field) -> str | None:
    """Return what is wrong with ``value`` for ``spec``, or None."""
    kind = spec.kind
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "date": isinstance(value, dt.date) and not isinstance(value, dt.datetime),
        "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "dict": isinstance(value, dict),
    }[kind]
    if not ok:
        return f"must be {spec.describe()}, not {_show(value)}"
    if spec.choices and value not in spec.choices:
        return f"must be {spec.describe()}, not {_show(value)}.{suggest(str(value), spec.choices)}"
    size = len(value) if isinstance(value, str | list) else 0
    unit = "characters" if kind == "str" else "items"
    if spec.max_len and size > spec.max_len:
        return f"is too long ({size} {unit}; at most {spec.max_len})"
    if spec.min_len and size < spec.min_len:
        if kind == "str":
            return "must not be empty"
        return f"needs at least {spec.min_len} {unit} (has {size})"
    return None


def _show(value: Any) -> str:
    if value is None:
        return "nothing (empty)"
    shown = reprlib.Repr()  # bounded work, however large the value
    shown.maxstring = shown.maxother = 60
    return clip(shown.repr(value), 40)


def validate(
    data: Mapping[str, Any],
    fields: tuple[Field, ...],
    *,
    path: str,
    key_lines: Mapping[str, int],
    default_line: int = 1,
) -> tuple[dict[str, Any], list[Problem]]:
    """Check ``data`` against ``fields``; return values (defaults filled) and problems."""
    by_name = {f.name: f for f in fields}
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def line_of(key: str) -> int:
        return key_lines.get(key, default_line)

    for key in data:
        if key not in by_name:
            hint = suggest(clip(str(key), 200), by_name) or " Allowed keys: " + ", ".join(sorted(by_name)) + "."
            problems.append(Problem(path, line_of(str(key)), f'unknown key "{clip(str(key))}".{hint}'))
    for spec in fields:
        if spec.name not in data or data[spec.name] is None:
            if spec.required:
                problems.append(Problem(path, default_line, f'missing required key "{spec.name}" ({spec.describe()})'))
            values[spec.name] = spec.default
            continue
        value = data[spec.name]
        wrong = _check_kind(value, spec)
        if wrong:
            problems.append(Problem(path, line_of(spec.name), f'"{spec.name}" {wrong}'))
            values[spec.name] = spec.default
        else:
            values[spec.name] = value
    return values, problems

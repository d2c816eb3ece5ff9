"""Safe YAML loading that keeps line numbers and rejects duplicate keys, anchors and aliases.

Before anything is built from a document, its event stream (yaml.parse, the public API) is
screened: an anchor or alias (the "billion laughs" expansion), nesting deeper than MAX_DEPTH
or a forbidden character (characters.py, also when written as an escape like "\\e") stops it
with its line. Every problem is then found in time linear in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .characters import forbidden_at, forbidden_message
from .errors import Problem

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 16  # mappings and lists inside each other; the deepest file we read needs 4


class YamlError(Exception):
    """A YAML error with a 1-based line number relative to the parsed text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """yaml.SafeLoader that refuses duplicate mapping keys."""

    first_line = 1  # the file line of the text's first line

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + self.first_line
            if isinstance(key, list | dict):
                raise YamlError(line, "a mapping key must be a plain value")
            if key in seen:
                raise YamlError(line, f'duplicate key "{key}" (first given on line {seen[key]})')
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """As the base class's, with a value YAML reads but Python cannot make (2026-02-31,
        an integer of 5,000 digits) reported at its line."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            line = node.start_mark.line + self.first_line
            shown = f' "{_short(node.value, 40)}"' if isinstance(node, yaml.ScalarNode) else ""
            raise YamlError(line, f"invalid value{shown}: {_short(str(exc))}") from None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def screen(text: str, first_line: int = 1) -> None:
    """Raise YamlError at the first anchor, alias, too deep nesting or forbidden character."""
    found = forbidden_at(text)
    if found is not None:
        raise YamlError(found[0] + first_line - 1, forbidden_message(found[2], f"at column {found[1]}"))
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        line = (event.start_mark.line if event.start_mark else 0) + first_line
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                line, f'YAML aliases ("*{_short(event.anchor or "", 40)}") are not allowed; write the value out'
            )
        anchor = getattr(event, "anchor", None)
        if anchor:
            raise YamlError(line, f'YAML anchors ("&{_short(anchor, 40)}") are not allowed; write the value out')
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(line, f"lists and mappings are nested more than {MAX_DEPTH} deep")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and (found := forbidden_at(event.value)) is not None:
            raise YamlError(line, forbidden_message(found[2], "written as an escape"))


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed YAML document and the line of each top-level key (1-based)."""

    data: Any
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: tuple[int, ...] = ()  # for a top-level list: the line of each item


def load_yaml(text: str, first_line: int = 1) -> Loaded:
    """Parse one YAML document safely; lines are counted from ``first_line`` (for front matter)."""
    loader = StrictLoader(text)
    loader.first_line = first_line
    try:
        screen(text, first_line)
        node = loader.get_single_node()
        if node is None:
            return Loaded(None)
        data = loader.construct_document(node)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        column = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        raise YamlError(line, f"invalid YAML{column}: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    item_lines: tuple[int, ...] = ()
    if isinstance(node, yaml.MappingNode):
        key_lines = {str(k.value): k.start_mark.line + first_line for k, _ in node.value}
    elif isinstance(node, yaml.SequenceNode):
        item_lines = tuple(item.start_mark.line + first_line for item in node.value)
    return Loaded(data, key_lines, item_lines)


def read_data_file(path: Path, display: str, missing: str | None) -> tuple[str, Loaded | None, list[Problem]]:
    """A data file's text and YAML, or the problem that stops reading it. ``missing``: the
    problem when the file does not exist (None: a missing file is an empty one)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        return text, load_yaml(text), []
    except FileNotFoundError:
        return "", None, [Problem(display, 0, missing)] if missing else []
    except UnicodeDecodeError as exc:
        return "", None, [Problem(display, 0, f"is not valid UTF-8: {exc}")]
    except YamlError as exc:
        return "", None, [Problem(display, exc.line, exc.message)]
    except OSError as exc:
        return "", None, [Problem(display, 0, f"cannot be read ({exc.strerror})")]

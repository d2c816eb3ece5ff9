"""Safe YAML loading that keeps line numbers and rejects duplicate keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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

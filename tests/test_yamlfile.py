"""YAML as the engine reads it."""

from __future__ import annotations

import pytest

from sitegen.yamlfile import YamlError, load_yaml


def test_yaml_refuses_duplicates_and_unsafe_tags() -> None:
    with pytest.raises(YamlError, match='duplicate key "a"'):
        load_yaml("a: 1\na: 2\n")
    with pytest.raises(YamlError, match="could not determine a constructor"):
        load_yaml("a: !!python/object/apply:os.system ['true']\n")
    assert load_yaml("a: 1\n", first_line=2).key_lines == {"a": 2}

"""Python-Markdown's HTML serializer, for the trees our pages make, in half its time.

markdown.serializers.to_html_string walks a tree through a queue, asking of every element
and string whether it is a comment, a processing instruction, a tag-less element or a
qualified name, lowering the tag three times. A page's tree holds none of those: elements
with string tags and string attributes. to_html_string below writes those the same way
(the same escaping functions, attributes in sorted order, boolean attributes bare, void
elements unclosed, script and style text raw) and hands any other tree to Python-Markdown
whole. tests/test_units.py compares the two on every page of the project and on samples.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import serializers

# Python-Markdown's own tables and escaping functions (not in its __all__: hence the ignores)
HTML_EMPTY = serializers.HTML_EMPTY  # type: ignore[attr-defined]  # void elements: no end tag
BOOLEAN = serializers.BOOLEAN_ATTRIBUTES["html"]  # type: ignore[attr-defined]
RAW_TEXT = ("script", "style")  # their text is written unescaped
escape_cdata = serializers._escape_cdata  # type: ignore[attr-defined]
escape_attribute = serializers._escape_attrib_html  # type: ignore[attr-defined]


class _UnusualError(Exception):
    """An element or attribute to_html_string leaves to Python-Markdown."""


def to_html_string(element: etree.Element) -> str:
    """What markdown.serializers.to_html_string(element) returns."""
    parts: list[str] = []
    try:
        _write(element, parts.append)
    except _UnusualError:
        return serializers.to_html_string(element)
    return "".join(parts)


def _write(element: etree.Element, write: Callable[[str], None]) -> None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment, processing instruction, qualified name or no tag
        raise _UnusualError
    write("<" + tag)
    if element.attrib:
        for key, value in sorted(element.items()):
            if not (isinstance(key, str) and isinstance(value, str)):  # a qualified name or no value
                raise _UnusualError
            value = escape_attribute(value)
            write(f" {value}" if key == value and key in BOOLEAN else f' {key}="{value}"')
    write(">")
    lower = tag.lower()
    text = element.text
    if text:
        write(text if lower in RAW_TEXT else escape_cdata(text))
    for child in element:
        _write(child, write)
    if lower not in HTML_EMPTY:
        write(f"</{tag}>")
    if element.tail:
        write(escape_cdata(element.tail))

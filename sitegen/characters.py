"""Characters no source or data file may hold: control characters but tab and newline,
lone surrogates and Unicode noncharacters. Written into a page they are invisible at best;
in feed.xml and sitemap.xml they make the file ill-formed."""

from __future__ import annotations

import re
import unicodedata

_PLANE_ENDS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_PLANE_ENDS}]")


def describe(char: str) -> str:
    """'U+001B (a control character)' and the like, for a problem message."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif unicodedata.category(char) == "Cc":
        kind = "a control character"
    else:
        kind = "a Unicode noncharacter"
    return f"U+{code:04X} ({kind})"


def forbidden_at(text: str) -> tuple[int, int, str] | None:
    """(line, column, description) of the first forbidden character in ``text``, both 1-based."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column, describe(found.group())


def forbidden_message(description: str, where: str) -> str:
    """'U+001B (a control character) at column 5 is not allowed ...'."""
    return f"{description} {where} is not allowed (tab and newline are the only invisible characters a file may hold); delete it"

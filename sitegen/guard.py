"""Which requests the dev server answers: a Host header that names it, a URL path that can
name a file of the output. Pure functions of strings, so that serve.py only applies them."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")
HOST_HEADER = re.compile(r"(\[[0-9a-f:.]*\]|[^:\[\]]*)(?::([0-9]{1,5}))?")


@dataclass(frozen=True, slots=True)
class Listening:
    """Which Host headers name this server: loopback, the --host value, and, when listening
    on every address, any IP address (DNS rebinding needs a name, never a bare address)."""

    names: frozenset[str]
    port: int
    any_address: bool

    @classmethod
    def on(cls, host: str, port: int) -> Listening:
        own = f"[{host}]" if ":" in host else host
        return cls(frozenset({*LOOPBACK, own.lower()}), port, host in WILDCARDS)

    def accepts(self, header: str) -> bool:
        match = HOST_HEADER.fullmatch(header.lower())
        if match is None or (match[2] is not None and int(match[2]) != self.port):
            return False
        return match[1] in self.names or (self.any_address and is_ip_address(match[1]))


def is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


def output_path(url_path: str) -> str | None:
    """'/a//b/%C3%A9' -> 'a/b/é', keeping a trailing slash ('' is the home page). None for a
    path no file of the output can have: '..', a backslash, NUL, or bytes that are not UTF-8."""
    try:
        decoded = unquote_to_bytes(url_path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if any(s == ".." or "\\" in s or "\0" in s for s in segments):
        return None
    joined = "/".join(segments)
    return joined + "/" if joined and decoded.endswith("/") else joined

"""Problems an editor can act on, and the one exception family that carries them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: ``path:line: message``."""

    path: str
    line: int
    message: str
    level: str = "error"  # "error" or "warning"
    phase: int = 1  # 0: a file could not be read or parsed, reported before what it causes elsewhere

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "" if self.level == "error" else f"{self.level}: "
        return f"{where}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class SiteError(Exception):
    """The build cannot go on; ``problems`` says why. Exit code 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[SiteError], tuple[list[Problem]]]:
        return type(self), (self.problems,)  # raised in a worker process, it arrives whole


class ConfigError(SiteError):
    """Usage or configuration problems (site.yaml, --out, flags). Exit code 2."""

    exit_code = 2


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Causes first: what stopped a file (or site.yaml, a data file, a flag) from being read,
    then everything else; by path and line within each."""
    return sorted(problems, key=lambda p: (p.phase if not p.path.endswith(".yaml") and p.path[:2] != "--" else 0, p))


def clip(text: str, limit: int = 60) -> str:
    """``text`` shortened to ``limit`` characters with "...", for a value quoted in a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ' Did you mean "x"?' for the nearest spelling, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""

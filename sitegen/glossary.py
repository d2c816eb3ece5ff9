"""The glossary file (content/glossary.yaml) -> Term values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .schema import Field, validate
from .yamlfile import read_data_file

TERM_FIELDS = (
    Field("term", "str", required=True, min_len=1, max_len=80, doc="the word or phrase"),
    Field("aliases", "list", default=[], doc="other forms that should match (plurals, abbreviations)"),
    Field("definition", "str", required=True, min_len=1, max_len=600, doc="one or two plain sentences"),
)


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    anchor: str  # id of the entry on the glossary page
    aliases: tuple[str, ...]
    definition: str

    @property
    def forms(self) -> tuple[str, ...]:
        """Every spelling that marks a use of this term, longest first."""
        return tuple(sorted({self.term, *self.aliases}, key=lambda s: (-len(s), s)))


WORD = re.compile(r"[\w-]+")
# every ASCII character WORD does not match -> a space: split() then gives WORD's matches
ASCII_WORD_BREAKS = str.maketrans({chr(i): " " for i in range(128) if not re.fullmatch(WORD, chr(i))})


class TermFinder:
    """Finds glossary terms in text, whole words only, case-insensitively, longest spelling first.

    Matching one alternation of every spelling at each position of every text node cost
    more than the rest of the glossary work together; this looks up each word in a table of
    first words instead, and compares the few spellings that start with it.
    """

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.starts: dict[str, list[tuple[str, Term]]] = {}
        for term in terms:
            for form in term.forms:
                lowered = form.lower()
                first = WORD.match(lowered)
                if first is not None and first.group(0) != "":
                    self.starts.setdefault(first.group(0), []).append((lowered, term))
        for forms in self.starts.values():
            forms.sort(key=lambda pair: (-len(pair[0]), pair[0]))

    def first_words(self, text: str) -> frozenset[str]:
        """The first words of spellings that occur in ``text`` as words: call once per page."""
        lowered = text.lower()
        if lowered.isascii():  # the same words as WORD finds, in half the time
            return frozenset(self.starts.keys() & set(lowered.translate(ASCII_WORD_BREAKS).split()))
        return frozenset(self.starts.keys() & WORD.findall(lowered))

    def find(
        self, text: str, used: set[str] | frozenset[str] = frozenset(), first_words: frozenset[str] | None = None
    ) -> list[tuple[int, int, Term]]:
        """(start, end, term) of each use in ``text``, in order, not overlapping.

        ``used``: anchors to skip; ``first_words``: from first_words() over the whole page, so
        that most text nodes are ruled out by a few substring searches.
        """
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case has another length: no reliable offsets
            return []
        words = self.first_words(text) if first_words is None else first_words
        starts: list[tuple[int, str]] = []  # where a candidate first word stands as a whole word
        size = len(lowered)
        for word in words:
            position = lowered.find(word)
            if position < 0 or not self.unused(word, used):
                continue
            length = len(word)
            while position >= 0:
                after = position + length
                if (position == 0 or not _word_char(lowered[position - 1])) and (
                    after == size or not _word_char(lowered[after])
                ):
                    starts.append((position, word))
                # no whole word starts inside this match: each of its characters is a word character
                position = lowered.find(word, after)
        if not starts:
            return []
        starts.sort()
        found: list[tuple[int, int, Term]] = []
        end = 0
        for start, word in starts:
            if start < end:
                continue
            for form, term in self.starts[word]:
                stop = start + len(form)
                if lowered.startswith(form, start) and (stop == size or not _word_char(text[stop])):
                    found.append((start, stop, term))
                    end = stop
                    break
        return found

    def unused(self, word: str, used: set[str] | frozenset[str]) -> bool:
        """Whether a spelling starting with ``word`` belongs to a term not in ``used``."""
        return any(term.anchor not in used for _, term in self.starts[word])


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


def term_anchor(term: str) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def load_glossary(path: Path, display: str) -> tuple[tuple[Term, ...], list[Problem]]:
    """Read and check the glossary; a spelling may belong to one term only."""
    _, loaded, unread = read_data_file(path, display, missing=None)
    if loaded is None or loaded.data is None:
        return (), unread
    if not isinstance(loaded.data, list):
        return (), [Problem(display, 1, "must be a list of entries (- term: ..., definition: ...)")]
    terms: list[Term] = []
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for item, line in zip(loaded.data, loaded.item_lines, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem(display, line, "each entry must be a mapping with term and definition"))
            continue
        values, item_problems = validate(item, TERM_FIELDS, path=display, key_lines={}, default_line=line)
        problems += item_problems
        if item_problems:
            continue
        term = Term(values["term"], term_anchor(values["term"]), tuple(values["aliases"]), values["definition"])
        for form in term.forms:
            key = form.lower()
            if key in owner:
                problems.append(Problem(display, line, f'"{form}" is already a spelling of "{owner[key]}"'))
            owner[key] = term.term
        terms.append(term)
    return tuple(sorted(terms, key=lambda t: t.term.lower())), problems

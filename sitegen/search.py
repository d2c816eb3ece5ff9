"""The site's search index, built from the pages we render; static/search.js reads it.

Why our own and not Pagefind (which this project used first): at 4,000 generated articles
Pagefind took 20 s and 1.9 GB on a 2-core machine and had to re-read every page after any
edit, more than the whole rest of the build. Here each page's words are counted once, when
its Markdown is rendered (and cached with it), and the index is a few JSON files:

- ``search/data/pages.json``: ``{"stop": [...], "pages": [[url, title, summary], ...]}``;
- ``search/data/<hex of a word's first two characters>.json``: ``{word: [page, weight, ...]}``
  for every indexed word starting with those two characters.

A query word of two or more characters loads one such file and matches every word it
starts ("lymph" finds "lymphoedema"); a page must match every query word. Weights: a word in
the title counts 20, in the summary or a heading 5, each use in the text 1 (at most 10).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any

from .content import Page
from .markdown import Rendered
from .site import Site

DATA_DIR = "search/data/"
PAGES_FILE = DATA_DIR + "pages.json"
WORD = re.compile(r"\w\w+")  # on text whose underscores became spaces: letters and digits, 2 or more
TAG = re.compile(r"<[^>]*>")
ASCII_BREAKS = str.maketrans({chr(i): " " for i in range(128) if not re.fullmatch(r"\w", chr(i))})
SINGLE_CHARACTERS = frozenset(chr(i) for i in range(128) if re.fullmatch(r"\w", chr(i)))
TYPOGRAPHIC_MARKS = ("\u2018", "\u2019", "\u201c", "\u201d", "\u2013", "\u2014", "\u2026", "\u00a0")
CITATION_MARK = re.compile(r'<sup class="cite">.*?</sup>', re.S)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "more",
        "most",
        "much",
        "no",
        "not",
        "of",
        "on",
        "one",
        "or",
        "our",
        "out",
        "over",
        "she",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
TITLE, SUMMARY, HEADING, TEXT_CAP = 20, 5, 5, 10
NOT_COUNTED = STOPWORDS | SINGLE_CHARACTERS

# A page's indexed words, space-separated and sorted, and each word's weight as one byte:
# compact, because every page's terms stay in memory and in the build cache.
Terms = tuple[str, bytes]


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower().replace("_", " ")) if w not in STOPWORDS]


def _all_words(text: str) -> list[str]:
    """WORD's matches in ``text`` (lower case, no underscore), and maybe words of one letter
    or digit too. Once the typographic marks punctuation.py makes are spaces, most pages' text
    is ASCII, and splitting it at ASCII_BREAKS gives those words in a third of WORD's time."""
    plain = text
    for mark in TYPOGRAPHIC_MARKS:
        if mark in plain:
            plain = plain.replace(mark, " ")
    return plain.translate(ASCII_BREAKS).split() if plain.isascii() else WORD.findall(text)


def page_terms(page: Page, rendered: Rendered) -> Terms:
    """Each indexed word of a page and its weight (cached with the page's rendering)."""
    text = html.unescape(TAG.sub(" ", CITATION_MARK.sub(" ", rendered.html)))
    counts = Counter(_all_words(text.lower().replace("_", " ")))
    for unindexed in NOT_COUNTED & counts.keys():
        del counts[unindexed]
    weights = dict(counts)
    for word, count in counts.most_common():  # the most used first: stop at the first under the cap
        if count <= TEXT_CAP:
            break
        weights[word] = TEXT_CAP
    for source, weight in [
        (page.title, TITLE),
        (page.summary, SUMMARY),
        (" ".join(t[2] for t in rendered.toc), HEADING),
    ]:
        for word in set(words(html.unescape(TAG.sub(" ", source)))):
            weights[word] = weights.get(word, 0) + weight
    ordered = sorted(weights)
    return " ".join(ordered), bytes(map(weights.__getitem__, ordered))  # each <= 10 + 20 + 5 + 5


def term_weights(terms: Terms) -> dict[str, int]:
    return dict(zip(terms[0].split(" "), terms[1], strict=True)) if terms[0] else {}


def shard_name(word: str) -> str:
    return DATA_DIR + word[:2].encode("utf-8").hex() + ".json"


class StaleCopyError(Exception):
    """A file of the last index could not be read back as it was written."""


def update_index(
    last: Mapping[str, Any] | None,
    site: Site,
    entry_keys: Mapping[str, str],
    terms: Callable[[str], Terms],
    earlier: Mapping[str, Terms],
    read: Callable[[str], bytes | None],
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The index files that differ from ``last``'s, and the state to pass as ``last`` next time.

    ``entry_keys``: project path -> cache key of the page's source entry; ``terms``: a page's
    terms by project path (asked for the changed pages only, unless the whole index is made);
    ``earlier``: the terms of entries the last index was made from that are no longer in
    use, by key (BuildCache.dropped); ``read``: a file of the last index by name. The state
    holds the page list, each page's entry key and each file's sha256. When the list of pages
    is the same and the earlier terms of each changed page are known, only the shards holding
    a word whose weight changed are read back, changed and returned (an edited sentence
    touches a few of the hundreds), and the page list only if a page's address, title or
    summary changed; otherwise the whole index is built. Either way the files are byte for
    byte what a whole build makes. Raises StaleCopyError if a file read back is not the one
    ``last`` describes.
    """
    pages: Sequence[Page] = site.pages
    order = [p.project_path for p in pages]
    keys = {path: entry_keys[path] for path in order}
    listed = [[site.url(p), p.title, p.summary] for p in pages]
    catalogue_key = hashlib.sha256(repr(listed).encode()).hexdigest()
    state = {"order": order, "keys": keys, "catalogue": catalogue_key}
    changed = [(n, path) for n, path in enumerate(order) if last and last["keys"].get(path) != keys[path]]
    if last is None or last["order"] != order or any(last["keys"][path] not in earlier for _, path in changed):
        files = _whole_index(order, terms) | {PAGES_FILE: _catalogue(listed)}
        return files, state | {"digests": _digests(files)}
    changes: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)  # shard -> word -> (page, new weight or 0)
    for number, path in changed:
        old, new = term_weights(earlier[last["keys"][path]]), term_weights(terms(path))
        for word in old.keys() | new.keys():
            if old.get(word) != new.get(word):
                changes[shard_name(word)][word] = (number, new.get(word, 0))
    digests: dict[str, str] = dict(last["digests"])
    files = {PAGES_FILE: _catalogue(listed)} if last["catalogue"] != catalogue_key else {}
    for name, words in changes.items():
        shard: dict[str, list[int]] = json.loads(read_back(name, digests[name], read)) if name in digests else {}
        for word, (number, weight) in words.items():
            pairs = dict(zip(shard.get(word, [])[::2], shard.get(word, [])[1::2], strict=True))
            pairs.pop(number, None)
            if weight:
                pairs[number] = weight
            if pairs:
                shard[word] = [n for page in sorted(pairs) for n in (page, pairs[page])]
            else:
                shard.pop(word, None)
        if shard:
            files[name] = _json(shard)
        else:
            digests.pop(name, None)  # no word left: the file is gone
    return files, state | {"digests": digests | _digests(files)}


def read_back(name: str, digest: str, read: Callable[[str], bytes | None]) -> bytes:
    """The file ``name`` of the last index, whose sha256 was ``digest``."""
    data = read(name)
    if data is None or hashlib.sha256(data).hexdigest() != digest:
        raise StaleCopyError(name)
    return data


def _catalogue(listed: list[list[str]]) -> bytes:
    return _json({"stop": sorted(STOPWORDS), "pages": listed})


def _digests(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def _whole_index(order: Sequence[str], terms: Callable[[str], Terms]) -> dict[str, bytes]:
    postings: dict[str, list[int]] = defaultdict(list)  # word -> [page, weight, page, weight, ...]
    for number, path in enumerate(order):
        words, weights = terms(path)
        if not words:
            continue
        split = words.split(" ")
        if len(split) != len(weights):
            raise ValueError(f"{path}: {len(split)} words and {len(weights)} weights")
        # each word's list extended by (number, its weight), in C loops: a million postings at 4,000 pages
        deque(map(list.extend, map(postings.__getitem__, split), zip(repeat(number), weights)), 0)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word, found in postings.items():
        shards[shard_name(word)][word] = found
    return {name: _json(shard) for name, shard in shards.items()}


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")

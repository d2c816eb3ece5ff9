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

import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from .content import Page
from .markdown import Rendered
from .site import Site

DATA_DIR = "search/data/"
PAGES_FILE = DATA_DIR + "pages.json"
WORD = re.compile(r"\w\w+")  # on text whose underscores became spaces: letters and digits, 2 or more
TAG = re.compile(r"<[^>]*>")
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

# A page's indexed words, space-separated and sorted, and each word's weight as one byte:
# compact, because every page's terms stay in memory and in the build cache.
Terms = tuple[str, bytes]


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower().replace("_", " ")) if w not in STOPWORDS]


def page_terms(page: Page, rendered: Rendered) -> Terms:
    """Each indexed word of a page and its weight (cached with the page's rendering)."""
    text = html.unescape(TAG.sub(" ", CITATION_MARK.sub(" ", rendered.html)))
    counts = Counter(WORD.findall(text.lower().replace("_", " ")))
    for stopword in STOPWORDS & counts.keys():
        del counts[stopword]
    weights = {word: min(count, TEXT_CAP) for word, count in counts.items()}
    for source, weight in [
        (page.title, TITLE),
        (page.summary, SUMMARY),
        (" ".join(t[2] for t in rendered.toc), HEADING),
    ]:
        for word in set(words(html.unescape(TAG.sub(" ", source)))):
            weights[word] = weights.get(word, 0) + weight
    ordered = sorted(weights)
    return " ".join(ordered), bytes(min(weights[word], 255) for word in ordered)


def term_weights(terms: Terms) -> dict[str, int]:
    return dict(zip(terms[0].split(" "), terms[1], strict=True)) if terms[0] else {}


def shard_name(word: str) -> str:
    return DATA_DIR + word[:2].encode("utf-8").hex() + ".json"


def search_files(site: Site, terms: Mapping[str, Terms]) -> dict[str, bytes]:
    """The index files for the site's pages; ``terms``: project path -> page_terms()."""
    pages: Sequence[Page] = site.pages
    documents = [[site.url(p), p.title, p.summary] for p in pages]
    postings: dict[str, list[int]] = defaultdict(list)  # word -> [page, weight, page, weight, ...]
    for number, page in enumerate(pages):
        words, weights = terms.get(page.project_path, ("", b""))
        if words:
            for word, weight in zip(words.split(" "), weights, strict=True):
                postings[word] += (number, weight)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word, found in postings.items():
        shards[word[:2]][word] = found
    files = {PAGES_FILE: _json({"stop": sorted(STOPWORDS), "pages": documents})}
    for prefix, shard in shards.items():
        files[shard_name(prefix)] = _json(shard)
    return files


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")

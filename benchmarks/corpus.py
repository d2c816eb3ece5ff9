"""A deterministic corpus of N generated articles in our content model, and the same corpus
as a Pelican, an MkDocs and a Hugo project, for the benchmark.

    python benchmarks/corpus.py DIR N [--seed S] [--tool ours|pelican|mkdocs|hugo|all]

Same ``n`` and ``seed`` -> byte-identical files. Every article has valid front matter, the
four required H2 sections, about 800 words of pseudo-text, 3+ relative cross-links with
anchors, citations from references.yaml (background ones only in the first section),
glossary terms, an H3, a list and a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

MAIN = Path(__file__).resolve().parent.parent  # the real project, whose files the corpus copies
SECTIONS = (
    ("Why this matters for immunity", "why-this-matters-for-immunity"),
    ("How it is thought to work", "how-it-is-thought-to-work"),
    ("What the research shows", "what-the-research-shows"),
    ("What this means for you", "what-this-means-for-you"),
)
EVIDENCE = ("strong", "moderate", "limited", "mixed", "insufficient")
TAG_TEXT = (
    "stress sleep lymph circulation hormones mood pain anxiety recovery touch "
    "heart-rate blood-pressure fatigue ageing exercise cancer-care pregnancy skin muscles nerves"
)
TAGS = tuple(TAG_TEXT.split())
# Plain words that trip none of the engine's wording checks and are not glossary terms.
WORD_TEXT = """
    people study studies group groups week weeks session sessions hands pressure skin muscle muscles
    body rest calm quiet room therapist trial trials result results change changes measure measured
    small large short long brief lasting level levels sign signs blood test tests sample samples
    adult adults older younger healthy patient patients volunteer volunteers heart rate breathing
    warm gentle firm slow steady light deep touch stroke strokes back neck shoulder arm leg foot
    feel felt report reported score scores scale question questions answer answers day days month
    months year years time times hour hours minute minutes effect effects finding findings review
    reviews author authors team teams paper papers data number numbers size sizes care doctor nurse
    clinic hospital home work school family friend friends life habit habits sleep mood tension
    comfort relief ease worry pain ache aches stiff stiffness move movement walk walking exercise
    and the of in on for with about after before during while than more less most least some many
    few often rarely usually may might could would should can did does found saw noted showed
    suggested compared followed tested asked gave received had took kept made set used tried
    between within across among under over into through toward without because although however
    also only still even just both each every other another same different similar clear unclear
    useful modest careful honest fair simple plain early late recent earlier later
"""
WORDS = tuple(WORD_TEXT.split())
# Real prose uses a large vocabulary with Zipf-distributed frequencies (the n-th commonest word
# about 1/n as often as the first). Drawing evenly from WORDS alone put every word on every page,
# near Pagefind's worst case (each word's page list as long as the site), which real writing never is.
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ber", "dan", "fel", "gor", "hin", "jus", "mor", "pel")
RARE_WORDS = tuple(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # 4,096 made-up words
VOCABULARY = WORDS + RARE_WORDS
ZIPF_WEIGHTS = tuple(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))


@dataclass(frozen=True, slots=True)
class Sources:
    """What the generated articles cite and mention: ids by category, glossary terms."""

    research: tuple[str, ...]
    background: tuple[str, ...]
    safety: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article: its slug, front matter (in order) and Markdown body."""

    slug: str
    meta: tuple[tuple[str, object], ...]
    body: str

    def get(self, key: str) -> object:
        return dict(self.meta)[key]


def load_sources(project: Path = MAIN) -> Sources:
    """Citable ids by category from references.yaml, and glossary terms, of the real project."""
    refs = yaml.safe_load((project / "content" / "references.yaml").read_text(encoding="utf-8"))
    research: list[str] = []
    background: list[str] = []
    safety: list[str] = []
    for key, value in refs.items():
        if key in ("notes", "claims_not_supported"):
            continue
        if key == "background" and isinstance(value, dict):
            background += [e["id"] for items in value.values() for e in items or []]
        elif key == "safety":
            safety += [e["id"] for e in value]
        elif isinstance(value, list):
            research += [e["id"] for e in value]
    glossary = yaml.safe_load((project / "content" / "glossary.yaml").read_text(encoding="utf-8")) or []
    terms = [str(entry["term"]) for entry in glossary]
    return Sources(
        research=tuple(sorted(set(research))),
        background=tuple(sorted(set(background))),
        safety=tuple(sorted(set(safety))),
        terms=tuple(terms),
    )


def slug_of(i: int, n: int) -> str:
    return f"a{i:0{max(5, len(str(n)))}d}"


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=ZIPF_WEIGHTS, k=count))


def sentence(rng: random.Random, extra: str = "") -> str:
    """A pseudo-sentence of 8-18 words, with ``extra`` (a term, link or citation) spliced in."""
    text = words(rng, rng.randint(8, 18))
    if extra:
        cut = rng.randint(1, len(text.split()) - 1)
        parts = text.split()
        text = " ".join([*parts[:cut], extra, *parts[cut:]])
    return text[0].upper() + text[1:] + "."


def cite(rng: random.Random, ids: tuple[str, ...], most: int = 2) -> str:
    chosen = rng.sample(ids, min(len(ids), rng.randint(1, most)))
    return "[" + "; ".join(f"@{c}" for c in chosen) + "]"


def paragraph(rng: random.Random, extras: list[str], sentences: int) -> str:
    """``sentences`` sentences; each extra is placed in its own sentence, in order."""
    slots = sorted(rng.sample(range(sentences), min(len(extras), sentences)))
    extra_at = dict(zip(slots, extras, strict=False))
    return " ".join(sentence(rng, extra_at.get(k, "")) for k in range(sentences))


def link(rng: random.Random, target: str) -> str:
    anchor = rng.choice(SECTIONS)[1]
    return f"[{words(rng, rng.randint(1, 3))}]({target}.md#{anchor})"


def table(rng: random.Random, research: list[str]) -> str:
    rows = ["| Study | People | Weeks | What was measured |", "| --- | ---: | ---: | --- |"]
    for key in research:
        rows.append(f"| [@{key}] | {rng.randint(12, 400)} | {rng.randint(1, 12)} | {words(rng, 4)} |")
    return "\n".join(rows)


def body_for(rng: random.Random, others: list[str], src: Sources) -> str:
    """The four required sections, ~800 words, links to ``others``, citations and terms."""
    terms = rng.sample(src.terms, min(6, len(src.terms)))
    research = rng.sample(src.research, min(4, len(src.research)))
    links = [link(rng, o) for o in others]
    (h1, _), (h2, _), (h3, _), (h4, _) = SECTIONS
    parts = [
        f"## {h1}",
        paragraph(rng, [terms[0], cite(rng, src.background)], 6),
        paragraph(rng, [links[0], cite(rng, src.background, 1)], 6),
        f"## {h2}",
        paragraph(rng, [terms[1], cite(rng, tuple(research[:2]), 1)], 6),
        paragraph(rng, [terms[2], links[1]], 5),
        f"## {h3}",
        paragraph(rng, [f"[@{research[0]}]", terms[3], f"[@{research[1]}]"], 7),
        f"### {words(rng, 3).capitalize()}",
        paragraph(rng, [f"[@{research[2]}]", links[2], *([f"[@{research[3]}]"] if len(research) > 3 else [])], 6),
        table(rng, research[:3]),
        paragraph(rng, [terms[4], *links[3:]], 5),
        f"## {h4}",
        paragraph(rng, [terms[5], cite(rng, src.safety)], 5),
        "\n".join(f"- **{words(rng, 2).capitalize()}.** {sentence(rng)}" for _ in range(4)),
        paragraph(rng, [cite(rng, src.safety, 1)], 4),
    ]
    return "\n\n".join(parts) + "\n"


def make_article(i: int, n: int, seed: int, src: Sources) -> Article:
    rng = random.Random(seed * 1_000_003 + i)  # one stream per article: article i never depends on n
    related = [slug_of(k, n) for k in _distinct(rng, 3, n, i)]
    others = [slug_of(k, n) for k in _distinct(rng, rng.randint(3, 5), n, i)]
    reviewed = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
    meta: tuple[tuple[str, object], ...] = (
        ("title", f"Article {i}: {words(rng, 3)}"),
        ("summary", sentence(rng)[:190]),
        ("order", i),
        ("related", related),
        ("evidence", rng.choice(EVIDENCE)),
        ("evidence_reason", sentence(rng)[:290]),
        ("key_points", [sentence(rng) for _ in range(rng.randint(2, 4))]),
        ("reviewed", reviewed),
        ("draft", False),
        ("tags", sorted(rng.sample(TAGS, 2))),
    )
    return Article(slug_of(i, n), meta, body_for(rng, others, src))


def _distinct(rng: random.Random, count: int, n: int, exclude: int) -> list[int]:
    """``count`` distinct article numbers in 1..n other than ``exclude`` (fewer when n is tiny)."""
    count = min(count, n - 1)
    chosen: list[int] = []
    while len(chosen) < count:
        k = rng.randint(1, n)
        if k != exclude and k not in chosen:
            chosen.append(k)
    return chosen


def generate(n: int, seed: int = 0, src: Sources | None = None) -> list[Article]:
    if n < 4:
        raise ValueError("n must be at least 4: every article links to three others")
    src = src or load_sources()
    return [make_article(i, n, seed, src) for i in range(1, n + 1)]


def yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(meta: tuple[tuple[str, object], ...]) -> str:
    lines = ["---"]
    for key, value in meta:
        if key == "key_points":
            lines.append(f"{key}:")
            lines += [f"  - {yaml_value(v)}" for v in value]  # type: ignore[attr-defined]
        else:
            lines.append(f"{key}: {yaml_value(value)}")
    return "\n".join([*lines, "---", ""]) + "\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def fresh(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)


# --- our project -------------------------------------------------------------------------


def real_article_slugs(project: Path = MAIN) -> list[str]:
    """The real articles' slugs in their front-matter order, to re-point the copied pages' links."""
    found = []
    for path in sorted((project / "content" / "articles").glob("*.md")):
        match = re.search(r"^order:\s*(\d+)", path.read_text(encoding="utf-8"), re.M)
        found.append((int(match.group(1)) if match else 0, path.stem))
    return [slug for _, slug in sorted(found)]


def copy_page(source: Path, target: Path, n: int, real: list[str]) -> None:
    """Copy a page, pointing its links to real articles at generated ones (k-th -> a0000k)."""
    mapping = {slug: slug_of(k % n + 1, n) for k, slug in enumerate(real)}
    text = re.sub(
        r"\.\./articles/([a-z0-9-]+)\.md",
        lambda m: f"../articles/{mapping.get(m.group(1), m.group(1))}.md",
        source.read_text(encoding="utf-8"),
    )
    write(target, text)


def write_site_yaml(root: Path, project: Path = MAIN) -> None:
    if (project / "site.yaml").exists():
        shutil.copyfile(project / "site.yaml", root / "site.yaml")
    else:
        write(root / "site.yaml", 'title: "Benchmark corpus"\nbase_url: "/"\nlanguage: "en-GB"\n')


def sync_shared(root: Path, project: Path = MAIN) -> None:
    """Copy site.yaml, templates/, static/ and the data files from the real project again.

    They change with the engine; the benchmark re-syncs them before each cold build so that a
    corpus written earlier still matches the engine being measured.
    """
    write_site_yaml(root, project)
    for folder in ("templates", "static"):
        shutil.rmtree(root / folder, ignore_errors=True)
        if (project / folder).is_dir():
            shutil.copytree(project / folder, root / folder)
    (root / "content").mkdir(parents=True, exist_ok=True)
    for name in ("references.yaml", "glossary.yaml", "people.yaml"):
        if (project / "content" / name).exists():
            shutil.copyfile(project / "content" / name, root / "content" / name)


def write_corpus(root: Path, n: int, seed: int = 0, project: Path = MAIN) -> None:
    """Write a complete project of ``n`` generated articles into ``root`` (replaced if present).

    ``project`` is the real project whose site.yaml, templates, static files, data files and
    pages are copied (the default: the one this file lives in).
    """
    articles = generate(n, seed, load_sources(project))
    fresh(root)
    sync_shared(root, project)
    content = root / "content"
    real = real_article_slugs(project)
    for name in ("index.md", "about.md"):
        if (project / "content" / "pages" / name).exists():
            copy_page(project / "content" / "pages" / name, content / "pages" / name, n, real)
    for article in articles:
        write(content / "articles" / f"{article.slug}.md", front_matter(article.meta) + article.body)


# --- the same corpus for other generators --------------------------------------------------

LINK = re.compile(r"\]\((a\d+\.md(?:#[a-z0-9-]+)?)\)")


def write_pelican(root: Path, n: int, seed: int = 0) -> None:
    """A Pelican project: MultiMarkdown-style metadata, links as {filename}, default theme."""
    fresh(root)
    for article in generate(n, seed):
        header = [
            f"Title: {article.get('title')}",
            f"Date: {article.get('reviewed')}",
            f"Slug: {article.slug}",
            f"Summary: {article.get('summary')}",
            f"Tags: {', '.join(article.get('tags'))}",  # type: ignore[arg-type]
            "",
        ]
        body = LINK.sub(lambda m: f"]({{filename}}{m.group(1)})", article.body)
        write(root / "content" / "articles" / f"{article.slug}.md", "\n".join(header) + "\n" + body)
    write(
        root / "pelicanconf.py",
        """AUTHOR = "Benchmark"
SITENAME = "Benchmark corpus"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}
""",
    )


def write_mkdocs(root: Path, n: int, seed: int = 0) -> None:
    """An MkDocs project: YAML front matter kept (MkDocs reads it), links unchanged, default theme."""
    fresh(root)
    articles = generate(n, seed)
    index = ["# Benchmark corpus", ""] + [f"- [{a.get('title')}]({a.slug}.md)" for a in articles[:50]]
    write(root / "docs" / "index.md", "\n".join(index) + "\n")
    for article in articles:
        write(root / "docs" / f"{article.slug}.md", front_matter(article.meta) + article.body)
    write(root / "mkdocs.yml", 'site_name: "Benchmark corpus"\nmarkdown_extensions:\n  - toc\n  - tables\n')


HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
<nav>{{ .TableOfContents }}</nav>
{{ .Content }}
<h2>Related</h2><ul>{{ range .Params.related }}{{ with site.GetPage (printf "/articles/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
</main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>: {{ .Params.summary }}</li>{{ end }}</ul>
</main></body></html>
"""


def write_hugo(root: Path, n: int, seed: int = 0) -> None:
    """A Hugo project: same front matter and bodies; Hugo's embedded link hook resolves .md links."""
    fresh(root)
    for article in generate(n, seed):
        write(root / "content" / "articles" / f"{article.slug}.md", front_matter(article.meta) + article.body)
    write(root / "content" / "_index.md", '---\ntitle: "Benchmark corpus"\n---\n')
    write(root / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    write(root / "layouts" / "_default" / "list.html", HUGO_LIST)
    write(
        root / "hugo.toml",
        """baseURL = "/"
title = "Benchmark corpus"
locale = "en"
[markup.goldmark.renderHooks.link]
  useEmbedded = "fallback"
""",
    )


WRITERS = {"ours": write_corpus, "pelican": write_pelican, "mkdocs": write_mkdocs, "hugo": write_hugo}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tool", choices=[*WRITERS, "all"], default="ours")
    args = parser.parse_args()
    tools = list(WRITERS) if args.tool == "all" else [args.tool]
    for tool in tools:
        target = args.root / tool if args.tool == "all" else args.root
        WRITERS[tool](target, args.n, args.seed)
        print(f"wrote {tool} corpus of {args.n} articles to {target}")


if __name__ == "__main__":
    main()

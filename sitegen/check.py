"""Checks -> problems. Two kinds:

- local checks look at one page with the bibliography and site.yaml (wording, citations,
  required sections, headings); their result is cached with the page;
- site checks need every page (links and anchors, related articles, orders).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping

from .bibliography import Source
from .config import Config
from .content import Page
from .errors import Problem, suggest
from .markdown import Link, Rendered
from .scaffold import placeholder_problems
from .site import Site

# Phrases we never publish unqualified. Reporting a claim in double quotes is allowed.
BANNED_PHRASES = (
    (re.compile(r"\bboost(?:s|ing|ed)?\s+(?:your\s+|the\s+|our\s+)?immun\w*(?:\s+system)?", re.I), "boosts immunity"),
    (re.compile(r"\bdetox\w*", re.I), "detox"),
    (re.compile(r"\bflush(?:es|ing|ed)?\s+(?:out\s+)?(?:the\s+)?toxins?", re.I), "flushes toxins"),
    (re.compile(r"\bcur(?:e|es|ed|ing)\b", re.I), "cures"),
)
ANY_BANNED = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in BANNED_PHRASES), re.I)
# A casefolded text any of those matches holds one of these: five substring searches rule out
# most pages, where the case-insensitive expression above, tried at every character, cost 0.3 ms.
BANNED_STEMS = ("boost", "detox", "flush", "cure", "curing")
QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|`[^`\n]*`')
CITATION_KEYS = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_.:-]*)")
CITATION_GROUP = re.compile(r"\[@[^\]]*\]")


# -- local checks: one page ----------------------------------------------------------
def local_problems(page: Page, rendered: Rendered, sources: Mapping[str, Source], config: Config) -> list[Problem]:
    """Every check that needs only this page, the bibliography and site.yaml."""
    problems = check_citations(page, rendered, sources, config) + check_wording(page) + placeholder_problems(page)
    if page.kind == "article":
        problems += check_structure(page, rendered, sources, config)
    return problems


def check_citations(page: Page, rendered: Rendered, sources: Mapping[str, Source], config: Config) -> list[Problem]:
    where = page.project_path
    problems = [
        Problem(where, page.line_containing(text), f'citation "{text}" must look like [@id] or [@id1; @id2]')
        for text in rendered.bad_citations
    ]
    for key in rendered.citations:
        if key not in sources:
            hint = suggest(key, sources) or f" Sources are the ids in {config.bibliography.name}."
            problems.append(Problem(where, page.line_containing(f"@{key}"), f'unknown source "@{key}".{hint}'))
    return problems


def check_structure(page: Page, rendered: Rendered, sources: Mapping[str, Source], config: Config) -> list[Problem]:
    """Sections in order, no second h1, enough research sources, background sources in their place."""
    where = page.project_path
    problems: list[Problem] = []
    if rendered.has_h1:
        message = "use ## for sections: the template writes the title as the only h1"
        problems.append(Problem(where, page.line_containing("# "), message))
    present = [i for i in rendered.h2_ids if i in config.required_sections]
    missing = [i for i in config.required_sections if i not in rendered.h2_ids]
    for section in missing:
        message = f'missing the required section "## {_title(section)}" (id {section})'
        problems.append(Problem(where, page.body_line, message))
    if not missing and present != list(config.required_sections):
        order = ", ".join(config.required_sections)
        problems.append(Problem(where, page.body_line, f"required sections are out of order; they go: {order}"))
    research = {k for k in rendered.citations if k in sources and sources[k].category == "research"}
    if len(research) < config.min_citations:
        message = f"cites {len(research)} research source(s); each article needs at least {config.min_citations}"
        problems.append(Problem(where, page.body_line, message))
    if config.background_section:
        problems += _background_misuse(page, rendered, sources, config.background_section)
    return problems


def _title(section_id: str) -> str:
    return section_id.replace("-", " ").capitalize()


def _background_misuse(page: Page, rendered: Rendered, sources: Mapping[str, Source], allowed: str) -> list[Problem]:
    """Background sources never test massage: cite them only in the section that says why a topic matters."""
    if not any(k in sources and sources[k].category == "background" for k in rendered.citations):
        return []
    h2_ids = iter(rendered.h2_ids)
    section = ""
    problems = []
    for line_number, line in _prose_lines(page):
        if line.startswith("## "):
            section = next(h2_ids, "")
        if "[@" not in line:
            continue
        for key in CITATION_KEYS.findall(" ".join(CITATION_GROUP.findall(line))):
            source = sources.get(key)
            if source and source.category == "background" and section != allowed:
                message = (
                    f'"@{key}" is a background source (it does not test massage); '
                    f'cite it only under "## {_title(allowed)}"'
                )
                problems.append(Problem(page.project_path, line_number, message))
    return problems


def check_wording(page: Page) -> list[Problem]:
    """Phrases never published unqualified (quoting a claim in double quotes is fine)."""
    problems: list[Problem] = []
    folded = page.body.casefold()
    if not any(stem in folded for stem in BANNED_STEMS) or not ANY_BANNED.search(page.body):  # the common case
        return problems
    for line_number, line in _prose_lines(page):
        if not ANY_BANNED.search(line):
            continue
        unquoted = QUOTED.sub(lambda m: " " * len(m.group(0)), line)
        for pattern, name in BANNED_PHRASES:
            match = pattern.search(unquoted)
            if match:
                message = (
                    f'"{match.group(0)}": we never publish "{name}" unqualified; '
                    "reword it, or put the claim in double quotes if you are reporting it"
                )
                problems.append(Problem(page.project_path, line_number, message))
    return problems


def _prose_lines(page: Page) -> Iterator[tuple[int, str]]:
    """Body lines outside fenced code blocks, with their line numbers in the file."""
    fenced = False
    for offset, line in enumerate(page.body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield page.body_line + offset, line


# -- site checks: every page -----------------------------------------------------------
def page_site_problems(site: Site, page: Page, config: Config) -> list[Problem]:
    """The site checks of one page's own links and related articles."""
    problems = check_links(site, page)
    if page.kind == "article":
        problems += check_connections(site, page, config)
    return problems


def check_links(site: Site, page: Page) -> list[Problem]:
    return [p for link in site.rendered[page.project_path].links if (p := _link_problem(site, page, link))]


def _link_problem(site: Site, page: Page, link: Link) -> Problem | None:
    message = _link_message(site, page, link)
    return Problem(page.project_path, page.body_line + link.line, message) if message else None


def _link_message(site: Site, page: Page, link: Link) -> str | None:
    """What is wrong with one link, or None (lines are looked up only for problems)."""
    if link.kind == "bad":
        return (
            f'link "{link.raw}" does not point to a Markdown source or a file under static/; '
            "link to the article's .md file (e.g. stress.md) or to ../../static/<file>"
        )
    if link.kind == "static":
        if link.target in site.assets:
            return None
        return f'link "{link.raw}": file {link.target} does not exist.{suggest(link.target, site.assets)}'
    target = page if link.kind == "anchor" else site.by_source.get(link.target)
    if target is None and link.target in site.drafts:
        return f'link "{link.raw}": {link.target} is a draft, left out of this build (--drafts includes it)'
    if target is None:
        return f'link "{link.raw}": {link.target} does not exist.{_near_page(site, page, link)}'
    ids = site.rendered[target.project_path].ids
    if link.fragment and link.fragment not in ids:
        headings = [h[1] for h in site.rendered[target.project_path].toc]
        hint = suggest(link.fragment, ids) or (" Headings there: " + ", ".join(headings) if headings else "")
        place = "on this page" if target is page else f"in {target.project_path}"
        return f'link "{link.raw}": no heading or anchor "#{link.fragment}" {place}.{hint}'
    return None


def _near_page(site: Site, page: Page, link: Link) -> str:
    """Suggest the nearest existing source, written relative to the linking page."""
    folder = posixpath.dirname(page.project_path)
    relative = {posixpath.relpath(p, folder): p for p in site.by_source}
    wanted = posixpath.relpath(link.target, folder)
    return suggest(wanted, relative)


def check_connections(site: Site, page: Page, config: Config) -> list[Problem]:
    """Enough in-text links to other articles, and related slugs that exist."""
    where = page.project_path
    problems: list[Problem] = []
    linked = {p.project_path for p in site.outlinks[where] if p.kind == "article"}
    if len(linked) < config.min_article_links:
        message = f"links in its text to {len(linked)} other article(s); link to at least {config.min_article_links}"
        problems.append(Problem(where, page.body_line, message))
    for slug in page.related:
        if slug not in site.by_slug or site.by_slug[slug].kind != "article":
            hint = suggest(slug, [a.slug for a in site.articles])
            problems.append(Problem(where, page.line_of("related"), f'related article "{slug}" does not exist.{hint}'))
        elif slug == page.slug:
            problems.append(Problem(where, page.line_of("related"), "an article cannot be related to itself"))
    return problems


def check_orders(site: Site) -> list[Problem]:
    seen: dict[int, Page] = {}
    problems = []
    for page in site.articles:
        if page.order in seen:
            message = f"order {page.order} is also used by {seen[page.order].project_path}"
            problems.append(Problem(page.project_path, page.line_of("order"), message))
        seen[page.order] = page
    return problems

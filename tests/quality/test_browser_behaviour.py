"""What a reader does in Chromium: Tab through every link with a visible focus ring, follow
home -> article -> next -> previous, jump with the table of contents, print, and see no console errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

from .conftest import PHONE, Site, Watched, goto

pytestmark = pytest.mark.browser

# Every link and search box a keyboard user should reach: rendered (has a box) and not visibility:hidden.
MARK_TARGETS = """() => {
    const targets = [...document.querySelectorAll('a[href], input[type=search]')].filter(el =>
        el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
    targets.forEach((el, i) => el.dataset.kbTarget = String(i));
    return targets.map(el => (el.outerHTML.split('>')[0] + '>').slice(0, 140));
}"""

# The focused element, whether it shows a focus ring, and whether it is on screen.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const invisible = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !invisible(s.outlineColor);
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    const r = el.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
        && r.top < innerHeight && r.left < innerWidth;
    return {target: el.dataset.kbTarget ?? null, ring: outline || shadow, onScreen,
            html: (el.outerHTML.split('>')[0] + '>').slice(0, 140),
            style: `outline: ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; box-shadow: ${s.boxShadow}`};
}"""


def test_keyboard_reaches_every_link_and_the_search_box_with_a_visible_focus_ring(
    site: Site, open_page: Callable[..., Watched]
) -> None:
    watched = open_page()
    failures: list[str] = []
    for page in site.pages:
        goto(watched, site.url(page))
        targets = watched.page.evaluate(MARK_TARGETS)
        if not any('type="search"' in html for html in targets):
            failures.append(f'{page}: no visible <input type="search">')
        reached: set[str] = set()
        no_ring: list[str] = []
        for _ in range(2 * len(targets) + 20):
            watched.page.keyboard.press("Tab")
            focused = watched.page.evaluate(FOCUSED)
            if focused is None:
                continue
            if focused["target"] is not None:
                if focused["target"] in reached:
                    break  # focus wrapped round to the start
                reached.add(focused["target"])
            if not focused["ring"]:
                no_ring.append(f"{focused['html']} ({focused['style']})")
            if not focused["onScreen"]:
                failures.append(f"{page}: focused element is off screen: {focused['html']}")
            if len(reached) == len(targets):
                break
        if no_ring:
            shown = "\n      ".join(no_ring[:3]) + (
                f"\n      ... and {len(no_ring) - 3} more" if len(no_ring) > 3 else ""
            )
            failures.append(f"{page}: no visible focus ring on {len(no_ring)} elements:\n      {shown}")
        missed = [html for i, html in enumerate(targets) if str(i) not in reached]
        failures.extend(f"{page}: Tab never reaches {html}" for html in missed)
    assert not failures, "keyboard navigation:\n" + "\n".join(failures)


def test_home_to_article_to_next_and_back(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page()
    page = watched.page
    goto(watched, site.url(site.home))
    article_paths = {p.url_path for p in site.articles}
    links = page.locator("main a[href]")
    first = next(
        (
            links.nth(i)
            for i in range(links.count())
            if (site.page_for(links.nth(i).evaluate("a => a.href")) or site.home).is_article
        ),
        None,
    )
    assert first is not None, f"the home page's <main> links to no article ({sorted(article_paths)})"
    first.click()
    page.wait_for_load_state("load")
    article = site.page_for(page.url)
    assert article and article.is_article, f"the first article link on the home page led to {page.url}"

    next_link = page.locator("a[rel~=next]")
    assert next_link.count() == 1, f'{article}: expected one <a rel="next">, found {next_link.count()}'
    next_link.click()
    page.wait_for_load_state("load")
    following = site.page_for(page.url)
    assert following and following.is_article and following != article, f"{article}: 'next' led to {page.url}"

    prev_link = page.locator("a[rel~=prev]")
    assert prev_link.count() == 1, f'{following}: expected one <a rel="prev">, found {prev_link.count()}'
    prev_link.click()
    page.wait_for_load_state("load")
    assert site.page_for(page.url) == article, f"{following}: 'previous' led to {page.url}, not back to {article}"


IN_VIEW = """(id) => {
    const el = document.getElementById(id);
    if (!el) return {found: false};
    const r = el.getBoundingClientRect();
    return {found: true, hash: location.hash, target: el.matches(':target'),
            inView: r.top >= -1 && r.top < innerHeight && r.bottom > 0};
}"""
TOC_LINKS = 'nav.toc a[href^="#"], nav[aria-label="On this page" i] a[href^="#"]'


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_table_of_contents_jumps_to_its_headings(
    site: Site, open_page: Callable[..., Watched], viewport: dict[str, int] | None
) -> None:
    from playwright.sync_api import (
        TimeoutError as PlaywrightTimeout,
    )  # imported late: a missing package fails in a fixture

    watched = open_page(**({"viewport": viewport} if viewport else {}))
    page = watched.page
    failures: list[str] = []
    with_toc = 0
    for article in site.articles:
        goto(watched, site.url(article))
        links = page.locator(TOC_LINKS)
        with_toc += links.count() > 0
        for i in range(links.count()):
            link = links.nth(i)
            fragment = link.get_attribute("href") or ""
            link.click()
            with contextlib.suppress(PlaywrightTimeout):  # allow for scroll-behavior: smooth
                page.wait_for_function(f"(id) => ({IN_VIEW})(id).inView", arg=fragment[1:], timeout=1500)
            state = page.evaluate(IN_VIEW, fragment[1:])
            if not state["found"]:
                failures.append(f"{article}: contents link {fragment} has no target")
            elif not (state["target"] and state["hash"] == fragment and state["inView"]):
                failures.append(f"{article}: contents link {fragment} did not bring its heading into view ({state})")
    assert with_toc, f"no article has a table of contents ({TOC_LINKS})"
    assert not failures, "table of contents:\n" + "\n".join(failures)


def test_print_hides_navigation_and_shows_reference_urls(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page()
    page = watched.page
    page.emulate_media(media="print")
    failures: list[str] = []
    references = 0
    for target in site.pages:
        goto(watched, site.url(target))
        shown = page.evaluate(
            """() => [...document.querySelectorAll('nav, body > header, form[role=search], .skip-link')]
                   .filter(el => !(el.matches('form') && el.closest('main')))  // a search page's own form is content
                   .filter(el => el.getClientRects().length > 0)
                   .map(el => (el.outerHTML.split('>')[0] + '>').slice(0, 120))"""
        )
        failures.extend(f"{target}: printed, but it is navigation: {html}" for html in shown)
        for link in page.evaluate(
            """() => [...document.querySelectorAll('ol.references a[href^="http"]')].map(a => ({
                   href: a.href, raw: a.getAttribute('href'), text: a.textContent,
                   after: getComputedStyle(a, '::after').content,
                   printed: a.getClientRects().length > 0}))"""
        ):
            references += 1
            visible_url = link["raw"] in link["text"] or link["raw"] in link["after"] or link["href"] in link["after"]
            if not (link["printed"] and visible_url):
                failures.append(
                    f"{target}: reference link {link['raw']} does not print its URL (text {link['text']!r}, ::after {link['after']})"
                )
    assert references, 'no <ol class="references"> link to an outside source found on any page'
    assert not failures, (
        "print:\n" + "\n".join(failures[:60]) + (f"\n... {len(failures) - 60} more" if len(failures) > 60 else "")
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_console_errors(site: Site, open_page: Callable[..., Watched], color_scheme: str) -> None:
    watched = open_page(color_scheme=color_scheme)
    failures: list[str] = []
    for page in site.pages:
        watched.errors.clear()
        goto(watched, site.url(page))
        watched.page.wait_for_load_state("networkidle")
        failures.extend(f"{page}: {error}" for error in watched.errors)
    assert not failures, "console errors:\n" + "\n".join(failures)

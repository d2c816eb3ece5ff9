"""The phone header: the page's title starts within the first 160 px at 390 px, the topics are
one tap away in an "All topics" disclosure (no JavaScript), the skip link and the labelled
navigation stay; a desktop keeps the row of topics."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import DESKTOP, PHONE, Site, Watched, goto

pytestmark = pytest.mark.browser

TITLE_TOP_LIMIT = 160  # px from the top of a 390 px wide screen


def test_the_title_starts_within_160_px_on_every_page(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page(viewport=PHONE)
    assert site.articles[:2] and len(site.articles) >= 2
    tops = {}
    for page in site.pages:  # the home page, every article, the generated pages
        goto(watched, site.url(page))
        tops[str(page)] = watched.page.evaluate("() => document.querySelector('h1').getBoundingClientRect().top")
    late = {page: top for page, top in tops.items() if top > TITLE_TOP_LIMIT}
    assert not late, f"title starts below {TITLE_TOP_LIMIT} px at 390 px: {late}"


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["js", "no-js"])
def test_all_topics_opens_with_one_tap(site: Site, open_page: Callable[..., Watched], javascript_enabled: bool) -> None:
    watched = open_page(viewport=PHONE, javascript_enabled=javascript_enabled)
    goto(watched, site.url(site.articles[0]))
    nav = watched.page.locator('nav[aria-label="Benefits"]')
    assert nav.count() == 1
    links = nav.locator(".topics-menu a")
    assert links.count() == len(site.articles)
    assert not links.first.is_visible(), "the topics take the phone's first screen before a tap"
    assert not nav.locator(".topics-row").is_visible()
    nav.locator("summary", has_text="All topics").click()
    for index in range(links.count()):
        assert links.nth(index).is_visible()
    target = links.nth(1).get_attribute("href")
    links.nth(1).click()
    assert target and watched.page.url == site.url(target)


def test_keyboard_users_keep_the_skip_link_and_reach_the_topics(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page(viewport=PHONE)
    goto(watched, site.url(site.home))
    watched.page.keyboard.press("Tab")
    assert watched.page.evaluate("() => document.activeElement.matches('a.skip-link[href=\"#main\"]')")
    for _ in range(6):  # site name, search box, search button, then the disclosure
        watched.page.keyboard.press("Tab")
        if watched.page.evaluate("() => document.activeElement.matches('.topics-menu summary')"):
            break
    else:
        pytest.fail("Tab does not reach the All topics disclosure")
    watched.page.keyboard.press("Enter")
    assert watched.page.locator(".topics-menu a").first.is_visible()


def test_a_desktop_shows_the_topics_in_a_row(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page(viewport=DESKTOP)
    goto(watched, site.url(site.home))
    row = watched.page.locator('nav[aria-label="Benefits"] .topics-row a')
    assert row.count() == len(site.articles) and row.first.is_visible()
    assert not watched.page.locator(".topics-menu").is_visible()

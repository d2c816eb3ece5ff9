"""The home page's evidence map in Chromium: axe in light and dark at 390 and 1280 px, without
JavaScript, and in black-and-white print."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import AXE_JS, DESKTOP, PHONE, Site, Watched, goto, require_file
from .test_accessibility import TAGS
from .test_evidence_table import RUN_AXE_ON

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390x844", "desktop-1280x900"])
def test_axe_finds_nothing_on_the_home_page(
    site: Site, open_page: Callable[..., Watched], viewport: dict[str, int], color_scheme: str
) -> None:
    axe = require_file(AXE_JS, "axe-core (npm axe-core)")
    watched = open_page(viewport=viewport, color_scheme=color_scheme)
    goto(watched, site.url(site.home))
    watched.page.add_script_tag(path=str(axe))
    violations = watched.page.evaluate(RUN_AXE_ON, ["body", TAGS])
    assert not violations, "\n".join(violations)


def test_the_map_works_without_javascript(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page(viewport=PHONE, javascript_enabled=False)
    goto(watched, site.url(site.home))
    claims = watched.page.locator(".evidence-map .claim-title")
    assert claims.count() == len(site.articles)
    hrefs = {claims.nth(i).get_attribute("href") for i in range(claims.count())}
    assert hrefs == {page.url_path for page in site.articles}
    assert all(claims.nth(i).is_visible() for i in range(claims.count()))


def test_the_map_prints_in_black_and_white(site: Site, open_page: Callable[..., Watched]) -> None:
    watched = open_page(viewport=DESKTOP, color_scheme="dark")
    goto(watched, site.url(site.home))
    watched.page.emulate_media(media="print")
    colours = watched.page.evaluate(
        """() => [...document.querySelectorAll('.evidence-map, .evidence-map *')].flatMap(e => {
            const s = getComputedStyle(e);
            return [s.color, s.borderLeftColor, s.backgroundColor];
        })"""
    )
    allowed = {"rgb(0, 0, 0)", "rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"}
    assert set(colours) <= allowed, set(colours) - allowed
    filled = watched.page.evaluate(
        "() => [...document.querySelectorAll('.evidence-map .step')].map(s => s.querySelectorAll('.meter .on').length)"
    )
    assert filled == [5, 4, 3, 2, 1], "each step's rank is drawn in filled boxes, which print without colour"

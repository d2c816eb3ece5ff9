"""The evidence table in Chromium: axe on it at phone and desktop widths, light and dark; on a
390 px phone it scrolls inside its own labelled, keyboard-reachable region, not the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import AXE_JS, DESKTOP, PHONE, Site, Watched, goto, require_file
from .test_accessibility import TAGS

pytestmark = pytest.mark.browser

RUN_AXE_ON = """async ([selector, tags]) => {
    const results = await axe.run({include: [selector]}, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return results.violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390x844", "desktop-1280x900"])
def test_axe_finds_nothing_in_the_evidence_tables(
    site: Site, open_page: Callable[..., Watched], viewport: dict[str, int], color_scheme: str
) -> None:
    axe = require_file(AXE_JS, "axe-core (npm axe-core)")
    watched = open_page(viewport=viewport, color_scheme=color_scheme)
    failures = []
    for page in site.articles:
        goto(watched, site.url(page))
        assert watched.page.locator(".evidence-glance table").count() == 1, f"{page}: no evidence table"
        watched.page.add_script_tag(path=str(axe))
        failures += [f"{page}: {v}" for v in watched.page.evaluate(RUN_AXE_ON, [".evidence-glance", TAGS])]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390x844", "desktop-1280x900"])
def test_the_table_fits_the_screen_in_a_labelled_region_reached_by_tab(
    site: Site, open_page: Callable[..., Watched], viewport: dict[str, int]
) -> None:
    """A phone stacks each study's cells as labelled lines; a desktop shows the whole table."""
    watched = open_page(viewport=viewport)
    goto(watched, site.url(site.articles[0]))
    sizes = watched.page.evaluate(
        """() => {
        const region = document.querySelector('.evidence-glance [role=region]');
        const label = getComputedStyle(document.querySelector('.evidence-glance td'), '::before');
        return {label: region.getAttribute('aria-labelledby'), tabindex: region.tabIndex,
                inner: region.scrollWidth, outer: region.clientWidth, cellLabel: label.content,
                page: document.documentElement.scrollWidth, viewport: window.innerWidth};
    }"""
    )
    assert sizes["label"] == "evidence-caption" and sizes["tabindex"] == 0
    assert sizes["inner"] <= sizes["outer"], "the table is wider than its region"
    assert sizes["page"] <= sizes["viewport"], "the page itself scrolls sideways"
    assert (sizes["cellLabel"] == '"Year: " / ""') == (viewport == PHONE), (
        f"cell labels on a phone only: {sizes['cellLabel']}"
    )
    watched.page.evaluate("() => [...document.querySelectorAll('.prose a')].pop().focus()")
    watched.page.keyboard.press("Tab")  # from the article's last link, the next stop is the region
    assert watched.page.evaluate("() => document.activeElement.matches('.evidence-glance [role=region]')")

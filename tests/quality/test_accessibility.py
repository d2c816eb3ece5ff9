"""axe-core in Chromium: every page, light and dark, phone and desktop, WCAG 2.0-2.2 A/AA and best practice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import AXE_JS, DESKTOP, PHONE, Site, Watched, goto, require_file

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary})),
    }));
}"""


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390x844", "desktop-1280x900"])
def test_axe_finds_no_violations(
    site: Site, open_page: Callable[..., Watched], viewport: dict[str, int], color_scheme: str
) -> None:
    axe = require_file(AXE_JS, "axe-core (npm axe-core)")
    watched = open_page(viewport=viewport, color_scheme=color_scheme)
    failures = []
    for page in site.pages:
        goto(watched, site.url(page))
        watched.page.add_script_tag(path=str(axe))
        for violation in watched.page.evaluate(RUN_AXE, TAGS):
            failures.append(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                failures.append(f"    {node['target']}: {node['html'][:160]}")
                failures.extend(f"      {line}" for line in node["summary"].splitlines()[1:3])
            if len(violation["nodes"]) > 5:
                failures.append(f"    ... and {len(violation['nodes']) - 5} more elements")
    assert not failures, f"axe-core, {viewport['width']}x{viewport['height']} {color_scheme}:\n" + "\n".join(failures)

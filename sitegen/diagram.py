"""The home page's diagram of how the benefits connect: inline SVG made from the articles' links."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from .content import Page

SIZE = 520
RADIUS = 190
NODE_W, NODE_H = 150, 44


@dataclass(frozen=True, slots=True)
class Node:
    page: Page
    x: float
    y: float


def layout(articles: list[Page]) -> list[Node]:
    """Place the articles clockwise on a circle, the first at the top."""
    count = max(len(articles), 1)
    centre = SIZE / 2
    nodes = []
    for index, page in enumerate(articles):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        nodes.append(
            Node(page, round(centre + RADIUS * math.cos(angle), 1), round(centre + RADIUS * math.sin(angle), 1))
        )
    return nodes


def connection_svg(articles: list[Page], edges: list[tuple[Page, Page]]) -> Markup:
    """An SVG with a line per connection and a box per article.

    It is one image to screen readers (title and description); the template lists the same
    connections as links in text, so the links are reachable by keyboard there.
    """
    nodes = layout(articles)
    by_source = {n.page.project_path: n for n in nodes}
    lines = []
    for a, b in edges:
        if a.project_path in by_source and b.project_path in by_source:
            na, nb = by_source[a.project_path], by_source[b.project_path]
            lines.append(f'<line class="edge" x1="{na.x}" y1="{na.y}" x2="{nb.x}" y2="{nb.y}"/>')
    boxes = []
    for node in nodes:
        x, y = node.x - NODE_W / 2, node.y - NODE_H / 2
        boxes.append(
            f'<rect class="node" x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="10"/>'
            f'<text x="{node.x}" y="{node.y}" dominant-baseline="middle" text-anchor="middle">{escape(node.page.title)}</text>'
        )
    description = f"{len(nodes)} benefits, with a line between each pair whose articles link to each other."
    return Markup(
        f'<svg class="connections" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="diagram-title diagram-desc">'
        '<title id="diagram-title">How the benefits connect</title>'
        f'<desc id="diagram-desc">{escape(description)} The same connections are listed in text below the diagram.</desc>'
        + "".join(lines)
        + "".join(boxes)
        + "</svg>"
    )

"""The home page's diagram of how the benefits connect: inline SVG made from the articles' links."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from .content import Page

WIDTH, HEIGHT = 700, 600
RADIUS_X, RADIUS_Y = 236, 226
NODE_W, NODE_H = 204, 68
LINE_CHARS = 15  # a longer label is set on two lines


@dataclass(frozen=True, slots=True)
class Node:
    page: Page
    x: float
    y: float


def layout(articles: list[Page]) -> list[Node]:
    """Place the articles clockwise on an ellipse, the first at the top."""
    count = max(len(articles), 1)
    nodes = []
    for index, page in enumerate(articles):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        x = WIDTH / 2 + RADIUS_X * math.cos(angle)
        y = HEIGHT / 2 + RADIUS_Y * math.sin(angle)
        nodes.append(Node(page, round(x, 1), round(y, 1)))
    return nodes


def label_lines(title: str) -> list[str]:
    """Split a long title at the space nearest its middle."""
    if len(title) <= LINE_CHARS or " " not in title:
        return [title]
    middle = len(title) // 2
    cut = min((i for i, c in enumerate(title) if c == " "), key=lambda i: abs(i - middle))
    return [title[:cut], title[cut + 1 :]]


def label_svg(node: Node) -> str:
    lines = label_lines(node.page.title)
    first = -0.6 * (len(lines) - 1)
    spans = "".join(
        f'<tspan x="{node.x}" dy="{first if i == 0 else 1.2}em">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{node.x}" y="{node.y}" dominant-baseline="middle" text-anchor="middle">{spans}</text>'


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
    boxes = [
        f'<rect class="node" x="{n.x - NODE_W / 2}" y="{n.y - NODE_H / 2}" width="{NODE_W}" height="{NODE_H}" rx="10"/>'
        + label_svg(n)
        for n in nodes
    ]
    description = f"{len(nodes)} benefits, with a line between each pair whose articles link to each other."
    return Markup(
        f'<svg class="benefit-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="diagram-title diagram-desc">'
        '<title id="diagram-title">How the benefits connect</title>'
        f'<desc id="diagram-desc">{escape(description)} The same connections are listed in text below the diagram.</desc>'
        + "".join(lines)
        + "".join(boxes)
        + "</svg>"
    )

"""SVG pictures for reports: the state diagram and the outcome bar chart.

The diagram is laid out by Graphviz when it is installed (the
``negsim[graphviz]`` extra and the ``dot`` program) and otherwise by
grandalf, a small pure-Python layout library (Sugiyama layering). Either way
the layout comes from a library; this module only draws boxes, lines and text
at the places the layout gives. Each edge's label is laid out as a small node
of its own between the two states, so labels get room and never sit on top
of each other.

The SVG is meant to sit inside an HTML page: no XML prolog, no namespace
declarations, no links; every piece of text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from ..diagram import STYLES, Diagram, graphviz_available, render, to_dot, wrapped

FONT = 11  # px; text width is estimated from it (no font metrics in pure Python)
CHAR_W = 0.6 * FONT
LINE_H = FONT + 3
LABEL_FONT = 9
LABEL_CHAR_W = 0.6 * LABEL_FONT
LABEL_LINE_H = LABEL_FONT + 3


def diagram_svg(diagram: Diagram, engine: str = "auto") -> str:
    """The diagram as an inline SVG element; ``engine`` is 'auto', 'graphviz' or 'grandalf'."""
    if engine == "graphviz" or (engine == "auto" and graphviz_available()):
        return inline_svg(render(to_dot(diagram), "svg").decode("utf-8"))
    return grandalf_svg(diagram)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG document made fit to sit inside HTML: no prolog, comments or namespaces."""
    svg = re.sub(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="diagram" role="img"', svg, count=1)
    return "\n".join(line for line in svg.strip().splitlines() if line.strip()) + "\n"


def _colour(kind: str, style: str, key: str, fallback: str) -> str:
    return STYLES[kind].get(style, {}).get(key) or STYLES[kind]["default"].get(key) or fallback


def grandalf_svg(diagram: Diagram) -> str:
    """The diagram laid out by grandalf's Sugiyama layout and drawn as SVG."""
    from grandalf.graphs import Edge as GEdge
    from grandalf.graphs import Graph, Vertex
    from grandalf.layouts import SugiyamaLayout
    from grandalf.routing import EdgeViewer

    class View:
        def __init__(self, w: float, h: float):
            self.w, self.h = w, h
            self.xy = (0.0, 0.0)

    nodes: dict[str, Vertex] = {}
    texts: dict[str, list[str]] = {}
    for n in diagram.nodes:
        lines = [n.id, *wrapped(n.description, 28)]
        texts[n.id] = lines
        v = Vertex(n.id)
        v.view = View(max(len(x) for x in lines) * CHAR_W + 20, len(lines) * LINE_H + 12)
        nodes[n.id] = v
    labels: list[tuple[Vertex, list[str]]] = []
    edges = []
    for i, e in enumerate(diagram.edges):
        lines = e.label.replace(" - ", "\n").split("\n")
        lines = [part for line in lines for part in (wrapped(line, 34) or [line])]
        mid = Vertex(f"edge{i}")
        mid.view = View(max(len(x) for x in lines) * LABEL_CHAR_W + 6, len(lines) * LABEL_LINE_H + 4)
        labels.append((mid, lines))
        first, second = GEdge(nodes[e.source], mid), GEdge(mid, nodes[e.dest])
        first.view, second.view = EdgeViewer(), EdgeViewer()
        edges.append((e, first, second))
    graph = Graph(list(nodes.values()) + [m for m, _ in labels], [x for _, a, b in edges for x in (a, b)])
    offset = 0.0
    for component in graph.C:
        layout = SugiyamaLayout(component)
        layout.xspace, layout.yspace = 24, 28
        roots = [v for v in component.sV if v.data == diagram.initial] or None
        layout.init_all(roots=roots)
        layout.draw()
        xs = [v.view.xy[0] - v.view.w / 2 for v in component.sV]
        shift = offset - min(xs)
        for v in component.sV:
            v.view.xy = (v.view.xy[0] + shift, v.view.xy[1])
        for e in component.sE:
            e.view._pts = [(x + shift, y) for x, y in e.view._pts]
        offset = max(v.view.xy[0] + v.view.w / 2 for v in component.sV) + 40
    every = list(nodes.values()) + [m for m, _ in labels]
    bends = [p for _, a, b in edges for p in (*a.view._pts, *b.view._pts)]  # edges may swing wide of the boxes
    left = min([v.view.xy[0] - v.view.w / 2 for v in every] + [x for x, _ in bends]) - 10
    top = min([v.view.xy[1] - v.view.h / 2 for v in every] + [y for _, y in bends]) - 10 - 40
    right = max([v.view.xy[0] + v.view.w / 2 for v in every] + [x for x, _ in bends]) + 10
    bottom = max([v.view.xy[1] + v.view.h / 2 for v in every] + [y for _, y in bends]) + 10
    width, height = right - left, bottom - top
    out = [
        f'<svg class="diagram" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(diagram.title)}</title>",
        f'<text x="{width / 2:.1f}" y="18" text-anchor="middle" font-size="13">{escape(diagram.title)}</text>',
    ]

    def at(x: float, y: float) -> str:
        return f"{x - left:.1f},{y - top:.1f}"

    start = nodes[diagram.initial].view
    sx, sy = start.xy[0], start.xy[1] - start.h / 2
    out.append(f'<circle cx="{sx - left:.1f}" cy="{sy - 14 - top:.1f}" r="4" fill="black"/>')
    out.append(f'<polyline points="{at(sx, sy - 10)} {at(sx, sy)}" stroke="black" fill="none"/>')
    for e, first, second in edges:
        style = e.style
        colour = _colour("edge", style, "color", "black")
        width_ = _colour("edge", style, "penwidth", "1")
        dash = ' stroke-dasharray="5,3"' if "dashed" in _colour("edge", style, "style", "") else ""
        pts = [_clip(first.v[0].view, first.view._pts[1]), *first.view._pts[1:-1], first.view._pts[-1]]
        pts += [*second.view._pts[1:-1], _clip(second.v[1].view, second.view._pts[-2])]
        pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
        line = " ".join(at(x, y) for x, y in pts)
        out.append(
            f'<g class="edge {style}"><title>{escape(e.label)}</title>'
            f'<polyline points="{line}" stroke="{colour}" stroke-width="{width_}" fill="none"{dash}/>'
            f'{_arrow(pts[-2], pts[-1], colour, at)}</g>'
        )
    for (mid, lines), (e, _, _) in zip(labels, edges):
        colour = _colour("edge", e.style, "fontcolor", "black")
        x, y = mid.view.xy
        y0 = y - mid.view.h / 2 + LABEL_LINE_H
        out.append(f'<rect x="{x - mid.view.w / 2 - left:.1f}" y="{y - mid.view.h / 2 - top:.1f}" '
                   f'width="{mid.view.w:.1f}" height="{mid.view.h:.1f}" fill="white" fill-opacity="0.85"/>')
        out.append(_text(x - left, y0 - top, lines, LABEL_FONT, LABEL_LINE_H, colour))
    for n in diagram.nodes:
        v = nodes[n.id].view
        fill = _colour("node", n.style, "fillcolor", "white")
        stroke = _colour("node", n.style, "color", "black")
        x, y = v.xy[0] - v.w / 2 - left, v.xy[1] - v.h / 2 - top
        out.append(f'<g class="node {n.style}"><title>{escape(n.id)}</title>')
        if n.style == "final":
            out.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="{v.w + 6:.1f}" height="{v.h + 6:.1f}" '
                       f'rx="9" fill="none" stroke="{stroke}"/>')
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{v.w:.1f}" height="{v.h:.1f}" rx="6" fill="{fill}" stroke="{stroke}"/>')
        out.append(_text(v.xy[0] - left, y + 6 + FONT, texts[n.id], FONT, LINE_H, "black", bold_first=True))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _clip(view, towards: tuple[float, float]) -> tuple[float, float]:  # noqa: ANN001
    """Where the line from the box's centre towards a point leaves the box."""
    (cx, cy), (tx, ty) = view.xy, towards
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(view.w / 2 / abs(dx) if dx else float("inf"), view.h / 2 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _arrow(a: tuple[float, float], b: tuple[float, float], colour: str, at) -> str:  # noqa: ANN001
    (ax, ay), (bx, by) = a, b
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    left = (bx - 9 * ux - 4 * uy, by - 9 * uy + 4 * ux)
    right = (bx - 9 * ux + 4 * uy, by - 9 * uy - 4 * ux)
    return f'<polygon points="{at(bx, by)} {at(*left)} {at(*right)}" fill="{colour}"/>'


def _text(x: float, y: float, lines: list[str], size: int, step: int, colour: str, bold_first: bool = False) -> str:
    spans = []
    for i, line in enumerate(lines):
        weight = ' font-weight="bold"' if bold_first and i == 0 else ""
        dy = "0" if i == 0 else str(step)
        spans.append(f'<tspan x="{x:.1f}" dy="{dy}"{weight}>{escape(line)}</tspan>')
    return f'<text y="{y:.1f}" text-anchor="middle" font-size="{size}" fill="{colour}">{"".join(spans)}</text>'


def _wilson(n: int, total: int) -> tuple[float, float]:
    from ..sweep import wilson

    share = wilson(n, total)
    return 100 * share.low, 100 * share.high


def bar_chart_svg(counts: Mapping[str, int], total: int, title: str = "Final states") -> str:
    """A horizontal bar chart of how many runs ended in each final state, in the given order.

    ``counts`` maps each final state to its number of runs (its order is the
    order of the bars); ``total`` is the number of runs, so each bar's share
    is ``count / total``.
    """
    if total <= 0:
        raise ValueError("total must be positive")
    names = list(counts)
    label_w = max([len(n) for n in names] + [5]) * CHAR_W + 12
    bar_w, row_h, top = 360.0, 24, 30
    width = label_w + bar_w + 230  # room for "1,234 (12.3%, 95%: 11.9-12.8)" after a full bar
    height = top + row_h * len(names) + 10
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13">{escape(title)} ({total:,} runs)</text>',
    ]
    for i, name in enumerate(names):
        n = counts[name]
        y = top + i * row_h
        w = bar_w * n / total
        share = 100.0 * n / total
        low, high = _wilson(n, total)
        out.append(
            f'<g class="bar"><text x="{label_w - 6:.1f}" y="{y + 15}" text-anchor="end" font-size="{FONT}">{escape(name)}</text>'
            f'<rect x="{label_w:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="#1d4ed8"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="{FONT}">{n:,} ({share:.1f}%, 95%: {low:.1f}-{high:.1f})</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"

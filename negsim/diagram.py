"""The deal's state machine as a diagram: Mermaid, DOT, and (with Graphviz) SVG or PNG.

A :class:`Diagram` is the plain data of the picture: the states with their
descriptions, one edge per transition and source state with its trigger and
consenting parties and, when a trace is given, the replayed path (numbered
steps) and the transitions that were blocked, with the parties that blocked
them. Mermaid and DOT text are drawn from it by the ``transitions`` library's
own diagram support: a ``GraphMachine`` built from the diagram (states,
triggers and labels only; no callbacks, so no scenario text is ever resolved
as a callback name). Mermaid uses transitions' Mermaid backend; DOT uses
a small DOT backend on transitions' ``BaseGraph``, because
transitions' own Graphviz backend cannot produce even DOT source without the
``graphviz`` package (see :func:`dot_graph_class`). Rendering SVG or PNG needs Graphviz itself (the
``negsim[graphviz]`` extra and the ``dot`` program).

``transitions.extensions`` is imported only when a diagram is drawn.
"""

from __future__ import annotations

import json
import re
import textwrap
from functools import cache
from typing import NamedTuple

from .errors import NegsimError
from .model import Scenario
from .trace import Trace

GRAPHVIZ_MISSING = (
    "{what} needs Graphviz: install the extra with "
    "'python -m pip install \"negsim[graphviz]\"' and the Graphviz programs "
    "(apt install graphviz, brew install graphviz, or the Windows installer from graphviz.org)"
)


class Node(NamedTuple):
    id: str
    description: str
    style: str  # "default", "path" (visited) or "final" (where the run ended)


class Edge(NamedTuple):
    source: str
    dest: str
    trigger: str
    consent: tuple[str, ...]
    steps: tuple[int, ...]  # the numbers of the path's steps that took this edge (1 = first)
    blocked_by: tuple[str, ...]  # party ids (or 'guard') that blocked it at least once

    @property
    def style(self) -> str:
        return "path" if self.steps else ("blocked" if self.blocked_by else "default")

    @property
    def label(self) -> str:
        """Trigger, consenting parties, and what the run did with this edge."""
        text = self.trigger + (f" ({', '.join(self.consent)})" if self.consent else "")
        if self.steps:
            text = f"[{','.join(map(str, self.steps))}] {text}"
        if self.blocked_by:
            text += f" - {'once ' if self.steps else ''}BLOCKED by {', '.join(self.blocked_by)}"
        return text


class Diagram(NamedTuple):
    title: str
    initial: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    path: tuple[str, ...] | None  # the replayed path, when drawn with one


def build(scenario: Scenario, trace: Trace | None = None) -> Diagram:
    """The diagram of ``scenario``; with ``trace``, its path and blocked transitions marked."""
    steps: dict[tuple[str, str, str], list[int]] = {}
    blocked: dict[tuple[str, str], dict[str, None]] = {}  # (source, trigger) -> parties
    passed: dict[tuple[str, str, str], dict[str, None]] = {}  # (source, trigger, fired dest) -> parties
    if trace is not None:
        n = 0
        for step in trace.steps:
            for a in step.attempts:
                if a.fired:
                    n += 1
                    steps.setdefault((step.from_state, a.trigger, step.to_state), []).append(n)
                    if a.passed_over:
                        who = passed.setdefault((step.from_state, a.trigger, step.to_state), {})
                        who.update(dict.fromkeys(b.party or "guard" for b in a.passed_over))
                elif a.valid:
                    who = blocked.setdefault((step.from_state, a.trigger), {})
                    who.update(dict.fromkeys(b.party or "guard" for b in a.blocked_by))
    edges = []
    for t in scenario.transitions:
        for src in t.sources:
            who = dict(blocked.get((src, t.trigger), {}))
            for (s, trig, dest), parties in passed.items():
                if s == src and trig == t.trigger and dest != t.dest:
                    who.update(parties)
            edges.append(Edge(src, t.dest, t.trigger, t.consent, tuple(steps.get((src, t.trigger, t.dest), ())), tuple(who)))
    visited = set(trace.path) if trace is not None else set()
    nodes = tuple(
        Node(s.id, s.description, "final" if trace is not None and s.id == trace.final_state else ("path" if s.id in visited else "default"))
        for s in scenario.states.values()
    )
    # a long title would shrink the whole drawing: name a few what-ifs, count many
    n, named = len(scenario.applied), "; ".join(scenario.applied)
    title = scenario.title + (f" ({named})" if n and len(named) <= 60 else f" (with {n} what-ifs)" if n else "")
    return Diagram(title, scenario.initial, nodes, tuple(edges), trace.path if trace is not None else None)


def wrapped(text: str, width: int = 30) -> list[str]:
    """A description broken into short lines for a box in the diagram."""
    return textwrap.wrap(" ".join(text.split()), width=width, break_long_words=False, break_on_hyphens=False) if text else []


# --- through transitions' diagram support ---------------------------------------------------


def to_mermaid(diagram: Diagram) -> str:
    """Mermaid ``stateDiagram-v2`` text (transitions' Mermaid backend)."""
    # The front matter is YAML, so the title is a JSON string; Mermaid shows it as it is (no
    # entity codes), so angle brackets become look-alikes: no renderer can read markup in it.
    safe = diagram.title.replace("<", "\u2039").replace(">", "\u203a")
    title = "title: " + json.dumps(" ".join(safe.split()), ensure_ascii=False)
    return _graph(diagram, "mermaid").get_graph(title=title).source + "\n"


def to_dot(diagram: Diagram) -> str:
    """Graphviz DOT source (a DOT backend on transitions' BaseGraph; needs nothing installed)."""
    return _graph(diagram, "dot").get_graph(title=diagram.title).source


_MERMAID_CODES = {"#": "#35;", '"': "#quot;", ";": "#59;", "<": "#lt;", ">": "#gt;", "{": "#123;", "}": "#125;"}
_MERMAID_SPECIAL = re.compile('[#";<>{}]')


def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid label: Mermaid's own entity codes for the characters it parses."""
    return _MERMAID_SPECIAL.sub(lambda m: _MERMAID_CODES[m.group(0)], " ".join(text.split()))


def _graph(diagram: Diagram, engine: str):  # noqa: ANN202 - a transitions graph object
    from transitions import State
    from transitions.extensions.diagrams import GraphMachine

    mermaid = engine == "mermaid"

    class Machine(GraphMachine):
        machine_attributes = {"directed": "true", "strict": "false", "rankdir": "TB"}
        style_attributes = STYLES

        def _init_graphviz_engine(self, graph_engine):  # noqa: ANN001, ANN202
            if graph_engine == "dot":
                return dot_graph_class()
            return super()._init_graphviz_engine(graph_engine)

    states = []
    for node in diagram.nodes:
        state = State(node.id)
        if mermaid:  # Mermaid wraps long lines itself
            state.label = _mermaid_text(node.id) + (f"<br/>{_mermaid_text(node.description)}" if node.description else "")  # type: ignore[attr-defined]
        else:
            state.label = "\n".join([node.id, *wrapped(node.description)])  # type: ignore[attr-defined]
        states.append(state)
    transitions = [
        {
            "trigger": e.trigger,
            "source": e.source,
            "dest": e.dest,
            "label": _mermaid_text(e.label) if mermaid else e.label.replace(" - ", "\n"),
        }
        for e in diagram.edges
    ]

    class Model:
        pass

    model = Model()
    machine = Machine(
        model=model,
        states=states,
        transitions=transitions,
        initial=diagram.initial,
        auto_transitions=False,
        graph_engine=engine,
        title=diagram.title,
    )
    graph = machine.model_graphs[id(model)]
    graph.reset_styling()
    graph.edge_styles = {(e.source, e.trigger, e.dest): e.style for e in diagram.edges}
    for node in diagram.nodes:
        if node.style != "default":
            graph.set_node_style(node.id, node.style)
    return graph


STYLES = {
    "node": {
        "default": {"style": "rounded,filled", "shape": "rectangle", "fillcolor": "white", "color": "black", "peripheries": "1"},
        "path": {"fillcolor": "#dbeafe", "color": "#1d4ed8", "peripheries": "1"},
        "final": {"fillcolor": "#fde68a", "color": "#b45309", "peripheries": "2"},
    },
    "edge": {
        "default": {"color": "black"},
        "path": {"color": "#1d4ed8", "penwidth": "2.5", "fontcolor": "#1d4ed8"},
        "blocked": {"color": "#b91c1c", "style": "dashed", "fontcolor": "#b91c1c"},
    },
    "graph": {"default": {}},
}


def _dot_id(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items())


@cache
def dot_graph_class():  # noqa: ANN201 - the class is built on first use, so transitions loads lazily
    """:class:`DotGraph`: DOT source from a flat transitions machine, one edge per transition."""
    from transitions.extensions.diagrams_base import BaseGraph

    class _DotGraph(BaseGraph):
        """DOT source for a flat transitions machine, one edge per transition, styled per edge."""

        edge_styles: dict[tuple[str, str, str], str] = {}

        def __init__(self, machine):  # noqa: ANN001
            self.custom_styles: dict[str, dict[str, object]] = {}
            self.reset_styling()
            super().__init__(machine)

        def generate(self) -> None:
            """Nothing to prepare: the source is written from scratch by get_graph."""

        def set_previous_transition(self, src, dst) -> None:  # noqa: ANN001
            self.custom_styles["edge"][(src, dst)] = "path"
            self.set_node_style(src, "path")

        def reset_styling(self) -> None:
            self.custom_styles = {"edge": {}, "node": {}}

        def set_node_style(self, state, style) -> None:  # noqa: ANN001
            self.custom_styles["node"][getattr(state, "name", state)] = style

        def get_graph(self, title=None, roi_state=None):  # noqa: ANN001, ANN201
            m = self.machine
            states, transitions = self._get_elements()
            default = m.style_attributes["node"]["default"]
            lines = [
                f"digraph {_dot_id(title or m.title)} {{",
                f"  graph [{_dot_attrs({'rankdir': m.machine_attributes['rankdir'], 'label': title or m.title, 'labelloc': 't', 'fontname': 'Helvetica'})}];",
                f"  node [{_dot_attrs({**default, 'fontname': 'Helvetica', 'fontsize': '11'})}];",
                f"  edge [{_dot_attrs({'fontname': 'Helvetica', 'fontsize': '9'})}];",
                f"  {_dot_id('__start__')} [shape=point, width=0.15, label=\"\"];",
            ]
            for state in states:
                style = self.custom_styles["node"].get(state["name"], "default")
                attrs = {"label": state.get("label", state["name"]), **m.style_attributes["node"].get(style, {})}
                lines.append(f"  {_dot_id(state['name'])} [{_dot_attrs(attrs)}];")
            if m.initial:
                lines.append(f"  {_dot_id('__start__')} -> {_dot_id(m.initial)};")
            for t in transitions:
                dest = t.get("dest", t["source"])
                style = self.edge_styles.get((t["source"], t["trigger"], dest)) or self.custom_styles["edge"].get((t["source"], dest), "default")
                attrs = {"label": self._transition_label(t), **m.style_attributes["edge"].get(style, {})}
                lines.append(f"  {_dot_id(t['source'])} -> {_dot_id(dest)} [{_dot_attrs(attrs)}];")
            lines.append("}")
            return _Source("\n".join(lines) + "\n")

    return _DotGraph


class _Source(NamedTuple):
    source: str


# --- Graphviz rendering ------------------------------------------------------------------------


def render(dot_source: str, fmt: str) -> bytes:
    """``dot_source`` laid out and drawn by Graphviz as ``fmt`` ('svg' or 'png').

    Raises NegsimError (exit status 1) naming the extra and the system
    package when the ``graphviz`` package or the ``dot`` program is missing.
    """
    try:
        import graphviz
    except ImportError:
        raise NegsimError(GRAPHVIZ_MISSING.format(what=f"{fmt.upper()} output")) from None
    try:
        return graphviz.Source(dot_source).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise NegsimError(GRAPHVIZ_MISSING.format(what=f"{fmt.upper()} output")) from None
    except graphviz.CalledProcessError as exc:  # pragma: no cover - Graphviz refused our own source
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise NegsimError(f"Graphviz could not draw the diagram: {detail}") from None


def graphviz_available() -> bool:
    """Whether SVG and PNG can be drawn here (the graphviz package and the dot program)."""
    import shutil

    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None

"""negsim.diagram and `negsim diagram`: Mermaid and DOT parse, and the path drawn is the trace's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import negsim
from negsim.cli import cli
from negsim.diagram import GRAPHVIZ_MISSING, build, graphviz_available, to_dot, to_mermaid
from negsim.errors import NegsimError
from negsim.model import FrozenMap

from .conftest import ARTICLE, MINIMAL
from .test_cli import negsim_cmd

BUNDLED = [b.id for b in negsim.bundled() if b.kind != "exercise"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="negsim")


# --- a parser for the Mermaid subset negsim emits --------------------------------------------

MERMAID_LINE = [
    ("state", re.compile(r'^state "(?P<label>[^"]*)" as (?P<id>[a-z][a-z0-9_]*)$')),
    ("class", re.compile(r"^Class (?P<id>[a-z][a-z0-9_]*) s_(?P<style>\w+)$")),
    ("classdef", re.compile(r"^classDef s_\w+ [\w#:,.-]+$")),
    ("direction", re.compile(r"^direction (TB|LR)$")),
    ("start", re.compile(r"^\[\*\] --> (?P<id>[a-z][a-z0-9_]*)$")),
    ("edge", re.compile(r"^(?P<src>[a-z][a-z0-9_]*) --> (?P<dst>[a-z][a-z0-9_]*): (?P<label>[^\n]+)$")),
]
EDGE_LABEL = re.compile(r"^(?:\[(?P<steps>\d+(?:,\d+)*)\] )?(?P<trigger>[a-z][a-z0-9_]*)(?: \((?P<consent>[a-z0-9_, ]+)\))?(?: - (?:once )?BLOCKED by (?P<blocked>[a-z0-9_, ]+))?$")


def parse_mermaid(text: str) -> dict:
    lines = text.split("\n")
    assert lines[0] == "---" and lines[2] == "---" and lines[1].startswith("title: ")
    assert lines[3] == "stateDiagram-v2"
    assert text.endswith("\n")
    states: dict[str, str] = {}
    styles: dict[str, str] = {}
    edges = []
    start = None
    for raw in lines[4:]:
        line = raw.strip()
        if not line:
            continue
        for kind, pattern in MERMAID_LINE:
            m = pattern.match(line)
            if m:
                break
        else:
            raise AssertionError(f"not Mermaid negsim emits: {line!r}")
        if kind == "state":
            states[m["id"]] = m["label"]
        elif kind == "class":
            styles[m["id"]] = m["style"]
        elif kind == "start":
            start = m["id"]
        elif kind == "edge":
            for part in m["label"].split(" | "):
                lm = EDGE_LABEL.match(part)
                assert lm, part
                edges.append((m["src"], m["dst"], lm))
    return {"states": states, "styles": styles, "edges": edges, "start": start}


# --- a tokenizer and parser for DOT -----------------------------------------------------------

DOT_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<id>[A-Za-z_][A-Za-z0-9_.]*)|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>->|[{}\[\];,=]))', re.S)


def dot_tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = DOT_TOKEN.match(text, pos)
        assert m, f"bad DOT at {pos}: {text[pos:pos + 30]!r}"
        out.append(m.group(m.lastgroup))
        pos = m.end()
    return out


def unquote(tok: str) -> str:
    if tok.startswith('"'):
        return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], tok[1:-1])
    return tok


def parse_dot(text: str) -> dict:
    toks = dot_tokens(text)
    assert toks[0] == "digraph" and toks[2] == "{" and toks[-1] == "}"
    i, nodes, edges = 3, {}, []

    def attrs(i: int) -> tuple[dict, int]:
        out = {}
        if toks[i] != "[":
            return out, i
        i += 1
        while toks[i] != "]":
            key, eq, val = toks[i], toks[i + 1], toks[i + 2]
            assert eq == "=", toks[i : i + 3]
            out[unquote(key)] = unquote(val)
            i += 3
            if toks[i] == ",":
                i += 1
        return out, i + 1

    while toks[i] != "}":
        first = unquote(toks[i])
        if first in ("graph", "node", "edge"):
            _, i = attrs(i + 1)
        elif toks[i + 1] == "->":
            dest = unquote(toks[i + 2])
            a, i = attrs(i + 3)
            edges.append((first, dest, a))
        else:
            a, i = attrs(i + 1)
            nodes[first] = a
        assert toks[i] == ";", toks[i : i + 5]
        i += 1
    return {"nodes": nodes, "edges": edges}


def steps_to_path(initial: str, numbered: list[tuple[int, str, str]]) -> tuple[str, ...]:
    path = [initial]
    for k, (n, src, dst) in enumerate(sorted(numbered), 1):
        assert n == k, "step numbers run 1, 2, 3, ..."
        assert src == path[-1], "each step starts where the last ended"
        path.append(dst)
    return tuple(path)


# --- tests --------------------------------------------------------------------------------------


def scenario_edges(sc) -> set[tuple[str, str, str]]:
    return {(s, t.dest, t.trigger) for t in sc.transitions for s in t.sources}


@pytest.mark.parametrize("name", BUNDLED)
def test_mermaid_parses_and_draws_every_state_and_transition(name):
    sc = negsim.load(name)
    trace = negsim.replay(sc, 0 if sc.uncertain else None)
    parsed = parse_mermaid(to_mermaid(build(sc, trace)))
    assert set(parsed["states"]) == set(sc.states)
    assert parsed["start"] == sc.initial
    assert {(a, b, m["trigger"]) for a, b, m in parsed["edges"]} == scenario_edges(sc)
    numbered = [(int(n), a, b) for a, b, m in parsed["edges"] if m["steps"] for n in m["steps"].split(",")]
    assert steps_to_path(sc.initial, numbered) == trace.path
    assert parsed["styles"][trace.final_state] == "final"
    assert {s for s, style in parsed["styles"].items() if style == "path"} == set(trace.path) - {trace.final_state}


@pytest.mark.parametrize("name", BUNDLED)
def test_dot_parses_and_highlights_the_trace_path(name):
    sc = negsim.load(name)
    trace = negsim.replay(sc, 0 if sc.uncertain else None)
    parsed = parse_dot(to_dot(build(sc, trace)))
    assert set(parsed["nodes"]) == set(sc.states) | {"__start__"}
    edges = [(a, b, EDGE_LABEL.match(attrs["label"].replace("\n", " - ")), attrs) for a, b, attrs in parsed["edges"] if a != "__start__"]
    assert all(m for _, _, m, _ in edges)
    assert {(a, b, m["trigger"]) for a, b, m, _ in edges} == scenario_edges(sc)
    numbered = [(int(n), a, b) for a, b, m, _ in edges if m["steps"] for n in m["steps"].split(",")]
    assert steps_to_path(sc.initial, numbered) == trace.path
    for _, _, m, attrs in edges:  # highlighted exactly when on the path
        assert ("penwidth" in attrs) == bool(m["steps"])
    for state in sc.states.values():
        assert parsed["nodes"][state.id]["label"].startswith(state.id + "\n")


def test_blocked_transitions_name_the_parties_that_blocked_them(article, article_trace):
    parsed = parse_mermaid(to_mermaid(build(article, article_trace)))
    blocked = {(a, b, m["trigger"]): m["blocked"] for a, b, m in parsed["edges"] if m["blocked"]}
    assert blocked[("buses_staged", "evacuating", "depart")] == "militias"
    assert blocked[("collapsed", "renegotiated", "renegotiate")] == "government, iran"
    depart = next(m for a, b, m in parsed["edges"] if m["trigger"] == "depart")
    assert depart["consent"] == "militias, government, rebels" and depart["steps"] is None
    dot = parse_dot(to_dot(build(article, article_trace)))
    (attrs,) = [a for s, d, a in dot["edges"] if (s, d) == ("buses_staged", "evacuating")]
    assert attrs["style"] == "dashed" and attrs["label"].endswith("\nBLOCKED by militias")


def test_without_a_path_nothing_is_highlighted(article):
    parsed = parse_mermaid(to_mermaid(build(article)))
    assert set(parsed["styles"].values()) == {"default"}
    assert not any(m["steps"] or m["blocked"] for _, _, m in parsed["edges"])


def test_what_ifs_change_the_drawn_path(article):
    sc = negsim.load(str(ARTICLE), without=["militias"])
    trace = negsim.replay(sc, 0 if sc.uncertain else None)
    parsed = parse_mermaid(to_mermaid(build(sc, trace)))
    numbered = [(int(n), a, b) for a, b, m in parsed["edges"] if m["steps"] for n in m["steps"].split(",")]
    assert steps_to_path(sc.initial, numbered) == trace.path == ("negotiating", "agreed", "buses_staged", "evacuating")
    assert "without militias" in to_mermaid(build(sc, trace)).split("\n")[1]


# the minimal scenario, with text that must stay text in Mermaid and DOT
HOSTILE = MINIMAL.replace("title: A minimal deal", """title: 'A "deal"; # <script>alert(1)</script> {x}'""").replace(
    "    open: Talks are open", """    open: 'Talks are "open"; see #1 <b>now</b> \\ back'"""
)


def test_hostile_text_stays_text_in_mermaid_and_dot(write):
    sc = negsim.load(write(HOSTILE))
    d = build(sc, negsim.replay(sc))
    mermaid = to_mermaid(d)
    parsed = parse_mermaid(mermaid)
    assert "<b>" not in mermaid and "<script>" not in mermaid and '"open"' not in mermaid
    assert parsed["states"]["open"] == "open<br/>Talks are #quot;open#quot;#59; see #35;1 #lt;b#gt;now#lt;/b#gt; \\ back"
    dot = parse_dot(to_dot(d))
    assert dot["nodes"]["open"]["label"] == 'open\nTalks are "open"; see #1\n<b>now</b> \\ back'
    assert mermaid.split("\n")[1] == 'title: "A \\"deal\\"; # \u2039script\u203aalert(1)\u2039/script\u203a {x}"'


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz's dot program is not installed")
def test_graphviz_accepts_the_dot_source(article, article_trace):
    done = subprocess.run(["dot", "-Tsvg"], input=to_dot(build(article, article_trace)).encode(), capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert b"<svg" in done.stdout and b"BLOCKED by militias" in done.stdout


# --- the command --------------------------------------------------------------------------------


def test_cli_mermaid_is_the_library_output(article, article_trace):
    result = run("diagram", "aleppo-2016-12", "--path")
    assert result.exit_code == 0
    assert result.stdout == to_mermaid(build(article, article_trace))
    plain = run("diagram", "aleppo-2016-12")
    assert plain.stdout == to_mermaid(build(article))


@pytest.mark.parametrize(("name", "start"), [("d.dot", "digraph "), ("d.gv", "digraph "), ("d.mmd", "---\n"), ("d.txt", "---\n")])
def test_cli_format_from_the_suffix(tmp_path, name, start):
    out = tmp_path / name
    assert run("diagram", "aleppo-2016-12", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith(start)


def test_cli_dot_with_what_ifs_and_output_file(tmp_path):
    out = tmp_path / "d.dot"
    result = run("diagram", "aleppo-2016-12", "--path", "--without", "militias", "--format", "dot", "-o", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote {out}\n"
    parsed = parse_dot(out.read_text())
    assert "without militias" in out.read_text().split("\n")[0]
    again = run("diagram", "aleppo-2016-12", "--format", "dot", "-o", str(out))
    assert again.exit_code == 2
    assert again.stderr == f"Error: {out} already exists; use --force to overwrite it\n"
    assert parsed["nodes"]


def test_svg_and_png_without_graphviz_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # 'import graphviz' now fails
    with pytest.raises(NegsimError) as exc:
        from negsim.diagram import render

        render("digraph {}", "svg")
    assert str(exc.value) == GRAPHVIZ_MISSING.format(what="SVG output")
    result = run("diagram", "aleppo-2016-12", "--format", "png", "-o", "x.png")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: PNG output needs Graphviz: install the extra with 'python -m pip install \"negsim[graphviz]\"' "
        "and the Graphviz programs (apt install graphviz, brew install graphviz, or the Windows installer from graphviz.org)\n"
    )
    assert not graphviz_available()


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz (negsim[graphviz] and dot) is not installed")
def test_svg_and_png_with_graphviz(tmp_path):
    png = tmp_path / "a.png"
    assert run("diagram", "aleppo-2016-12", "--path", "-o", str(png)).exit_code == 0  # PNG from the suffix
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svg = run("diagram", "aleppo-2016-12", "--path", "--format", "svg")
    assert svg.exit_code == 0 and "<svg" in svg.stdout and "[6] reinstate" in svg.stdout


def test_subprocess_diagram_is_byte_identical_across_runs():
    a = negsim_cmd("diagram", "aleppo-2016-12", "--path", "--format", "dot")
    b = negsim_cmd("diagram", "aleppo-2016-12", "--path", "--format", "dot")
    assert a.returncode == 0 and a.stdout == b.stdout and a.stderr == b""
    assert a.stdout.startswith(b'digraph "Aleppo evacuation deal')


def test_diagram_help_has_examples():
    result = run("diagram", "--help")
    assert result.exit_code == 0 and "negsim diagram aleppo-2016-12 --path" in result.output


def test_png_is_not_written_to_a_terminal():
    import os

    from .conftest import ROOT

    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "negsim", "diagram", "aleppo-2016-12", "--format", "png"],
            stdout=follower, stderr=subprocess.PIPE, env=env, timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr == b"Error: PNG is binary: write it to a file with -o FILE\n"


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz (negsim[graphviz] and dot) is not installed")
def test_png_goes_down_a_pipe_as_bytes():
    done = negsim_cmd("diagram", "aleppo-2016-12", "--path", "--format", "png")
    assert done.returncode == 0 and done.stdout.startswith(b"\x89PNG\r\n\x1a\n") and done.stderr == b""


@pytest.mark.skipif(not shutil.which("mmdc"), reason="mermaid-cli (mmdc) is not installed")
def test_mermaid_cli_draws_it(tmp_path, article, article_trace):
    """With Mermaid's own command-line tool on the PATH, the text is drawn, not refused."""
    source = tmp_path / "a.mmd"
    source.write_text(to_mermaid(build(article, article_trace)), encoding="utf-8")
    done = subprocess.run(["mmdc", "-i", str(source), "-o", str(tmp_path / "a.svg")], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "BLOCKED by militias" in (tmp_path / "a.svg").read_text(encoding="utf-8")



TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
ENTITY = re.compile(r"#(35|quot|59|lt|gt|123|125);")


@settings(max_examples=80, deadline=None)
@given(title=TEXT, description=TEXT)
def test_any_text_keeps_both_formats_parsable(article, title, description):
    """Whatever a scenario's title and descriptions say, Mermaid and DOT still parse, and DOT keeps the words."""
    states = FrozenMap({k: s._replace(description=description) for k, s in article.states.items()})
    sc = article._replace(title=title, states=states)
    d = build(sc)
    parsed = parse_mermaid(to_mermaid(d))
    assert set(parsed["states"]) == set(sc.states)
    for label in parsed["states"].values():
        assert not set(ENTITY.sub("", label.replace("<br/>", " "))) & set('#";<>{}')
    dot = parse_dot(to_dot(d))
    for sid in sc.states:
        assert " ".join(dot["nodes"][sid]["label"].split("\n")[1:]) == " ".join(description.split())

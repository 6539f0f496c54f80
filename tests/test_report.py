"""negsim.report and `negsim report`: well-formed, self-contained HTML; Markdown with the same facts."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

import negsim
from negsim.cli import cli
from negsim.compare import compare, run_of
from negsim.diagram import graphviz_available
from negsim.render.report_html import render_report_html
from negsim.render.report_md import render_report_md
from negsim.render.svg import bar_chart_svg, grandalf_svg
from negsim.report import build
from negsim.variant import load_variant

from .test_cli import negsim_cmd

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_SELF_CLOSING = {"circle", "rect", "polyline", "polygon", "path", "ellipse", "line"}


class Checker(HTMLParser):
    """Every tag closed in order, and nothing that would load a resource or run a script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)
        if tag in ("script", "link", "iframe", "img", "object", "embed", "base"):
            self.problems.append(f"<{tag}> is not allowed")
        for key, val in attrs:
            if key in ("src", "href", "srcset", "action", "xlink:href") or key.startswith("on"):
                self.problems.append(f"attribute {key}={val!r} on <{tag}>")
            if val and re.search(r"(?i)https?:|url\(|//", val):
                self.problems.append(f"external reference {val!r} on <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):  # noqa: ANN001
        if tag not in VOID and tag not in SVG_SELF_CLOSING:
            self.problems.append(f"<{tag}/> self-closed")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)


def check_html(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == [], f"left open: {checker.stack}"
    assert page.startswith("<!DOCTYPE html>\n")
    assert not re.search(r"(?i)https?://|<script|@import|url\(", page)
    return checker


@pytest.fixture(scope="module")
def with_variants():
    base = negsim.load("aleppo-2016-12")
    runs = []
    for vid in ("aleppo-no-russian-pressure", "aleppo-militias-stand-aside"):
        v, _ = load_variant(negsim.resolve(vid, "variant"), base=base)
        runs.append(run_of(v.apply(base), v.id, v.title, v.question))
    return build(base, compare(run_of(base, "baseline"), runs), ({"reinstated": 61, "collapsed": 30, "evacuating": 9}, 100))


LAYOUTS = ["grandalf"] + (["graphviz"] if graphviz_available() else [])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_is_well_formed_and_self_contained(with_variants, layout):
    page = render_report_html(with_variants, layout)
    checker = check_html(page)
    assert checker.tags.count("svg") == 2  # the diagram and the outcome chart
    text = "".join(checker.text)
    assert "Aleppo evacuation deal, 13-15 December 2016" in text
    assert "Aleppo cease-fire unravels, then is back on" in text  # the source
    for section in ("sources", "diagram", "timeline", "parties", "variants", "sweep"):
        assert f'<section id="{section}">' in page


def test_html_diagram_shows_the_path_and_the_blocks(article, article_trace):
    page = render_report_html(build(article), "grandalf")
    svg = page[page.index("<svg") : page.index("</svg>")]
    path_edges = re.findall(r'<g class="edge path"><title>\[(\d+)\] (\w+)', svg)
    assert [int(n) for n, _ in path_edges] == sorted(int(n) for n, _ in path_edges)
    assert len(path_edges) == len(article_trace.path) - 1
    assert re.search(r'<g class="edge blocked"><title>depart \(militias, government, rebels\) - BLOCKED by militias', svg)
    assert svg.count('<g class="node ') == len(article.states)
    assert '<g class="node final"><title>reinstated</title>' in svg


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reports_are_byte_identical_across_processes(tmp_path, layout):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for out in (a, b):
        done = negsim_cmd("report", "aleppo-2016-12", "--layout", layout, "-o", str(out))
        assert done.returncode == 0, done.stderr
    assert a.read_bytes() == b.read_bytes()


def _html_text(page: str) -> str:
    checker = check_html(page)
    return " ".join(" ".join(checker.text).split())


def _md_text(doc: str) -> str:
    doc = re.sub(r"\\([\\`*_{}\[\]<>#+!|~&])", r"\1", doc)
    doc = doc.replace("`", "").replace("**", "").replace("*", "")
    return " ".join(doc.split())


def test_markdown_has_the_same_facts_as_the_html(with_variants):
    r = with_variants
    html_text = _html_text(render_report_html(r, "grandalf"))
    md_text = _md_text(render_report_md(r))
    facts = [r.scenario.title, " → ".join(r.trace.path)]
    facts += [s.title for s in r.scenario.sources]
    for e in r.entries:
        facts += [f"{e.at:%H:%M}", e.text, e.event, *e.lines, *e.blocked, *e.quotes]
        if e.changed:
            facts.append(f"{e.from_state} → {e.to_state}")
    for p in r.parties:
        facts.append(p.name)
        for c in p.rows:
            facts += [c.text, c.ref, c.when, c.added, c.dropped, ", ".join(c.blocked)]
    for v in r.variants:
        facts += [v.title, v.question, v.fork, *(x for row in v.differences for x in row[:4])]
    facts += ["61", "30", "9"]
    for fact in filter(None, facts):
        fact = " ".join(fact.split())
        assert fact in html_text, fact
        assert fact in md_text, fact


def test_markdown_outcomes_table_has_bars(with_variants):
    doc = render_report_md(with_variants)
    rows = doc.split("| Final state | Runs | Share | 95% interval | |\n| --- | ---: | ---: | ---: | --- |\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert rows == [
        "| `reinstated` | 61 | 61.0% | 51.2-70.0% | " + "\u2588" * 18 + " |",
        "| `collapsed` | 30 | 30.0% | 21.9-39.6% | " + "\u2588" * 9 + " |",
        "| `evacuating` | 9 | 9.0% | 4.8-16.2% | " + "\u2588" * 3 + " |",
    ]


def test_markdown_diagram_is_a_mermaid_block(article):
    doc = render_report_md(build(article))
    block = doc.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("---\ntitle: ") and "stateDiagram-v2" in block
    assert "[6] reinstate" in block


def test_timeline_words_for_the_blocked_departure(article):
    r = build(article)
    entry = next(e for e in r.entries if e.event == "departure_due")
    assert entry.lines == ("The step depart was blocked.", "Otherwise the step turn_back fired: buses_staged → turned_back.")
    assert entry.blocked == (
        "depart blocked by Pro-government militias at the checkpoints: The militias manning the checkpoints let the "
        "buses and ambulances through (militias.open_checkpoints: checkpoints_open)",
    )
    skipped = negsim.load("aleppo-2016-12", without=["militias"])
    entry = next(e for e in build(skipped).entries if e.event == "nobody_left_by_dawn")
    assert entry.lines == ("Did not happen: its condition 'state == \"turned_back\"' did not hold (the deal was evacuating).",)


def test_conditions_say_when_added_and_whether_they_held(article):
    rows = {c.ref: c for p in build(article).parties for c in p.rows}
    assert rows["militias.open_checkpoints"].added == "from the start"
    assert rows["militias.open_checkpoints"].held is False
    assert rows["militias.open_checkpoints"].blocked == ("Wed 05:00 depart",)
    assert rows["iran.foua_kfraya"].added == "Wed 14 Dec 10:00 (foua_kfraya_demand)"
    assert rows["turkey.to_idlib"].held is True


HOSTILE = """\
negsim: 1
id: hostile
title: '</title><script>alert("t")</script> & co'
description: 'A <img src=x onerror=alert(1)> description, see https://example.org'
timezone: "+00:00"
sources:
  - id: s1
    title: '<a href="http://evil.example">click</a>'
facts:
  ready: false
parties:
  alpha:
    name: '<b onclick="x()">Alpha</b>'
    conditions:
      ok:
        text: 'Alpha is "ready" | <i>'
        when: ready
deal:
  initial: open
  states:
    open: "<script>open</script>"
    signed: The deal is signed
  transitions:
    - trigger: sign
      from: open
      to: signed
      consent: [alpha]
timeline:
  - at: 2020-01-01T10:00
    id: first_try
    text: '<style>body{display:none}</style>'
    trigger: sign
    cite: '"quoted" <script>alert(2)</script>'
"""


def test_hostile_strings_are_escaped(write):
    sc = negsim.load(write(HOSTILE))
    page = render_report_html(build(sc), "grandalf")
    checker = Checker()
    checker.feed(page)
    assert checker.problems == [] and checker.stack == []
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "&lt;/title&gt;&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; co" in page
    assert "<img" not in page and "<a " not in page and "<style>body" not in page and "<b " not in page
    text = _html_text_lenient(page)
    assert '"quoted" <script>alert(2)</script>' in text  # shown as text
    doc = render_report_md(build(sc))
    assert not re.search(r"(?<!\\)<(script|img|a |b )", doc)  # every '<' of scenario text is escaped
    assert "\\<script\\>alert(2)\\</script\\>" in doc
    assert "Alpha is \"ready\" \\| \\<i\\>" in doc  # a '|' cannot split a table cell


def _html_text_lenient(page: str) -> str:
    checker = Checker()
    checker.feed(page)
    return unescape(" ".join(checker.text))


def test_bar_chart_bars_follow_the_counts():
    svg = bar_chart_svg({"b<x>": 30, "a": 60, "c": 10}, 100)
    names = re.findall(r'text-anchor="end" font-size="11">([^<]*)</text>', svg)
    assert names == ["b&lt;x&gt;", "a", "c"]  # in the order given, escaped
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [108.0, 216.0, 36.0]
    assert "60 (60.0%, 95%: 50.2-69.1)" in svg and "(100 runs)" in svg
    with pytest.raises(ValueError):
        bar_chart_svg({"a": 1}, 0)


def test_grandalf_svg_is_xml(article, article_trace):
    import xml.etree.ElementTree as ET

    from negsim.diagram import build as build_diagram

    root = ET.fromstring(grandalf_svg(build_diagram(article, article_trace)))
    assert root.tag == "svg"


# --- the command --------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="negsim")


def test_cli_format_from_suffix(tmp_path):
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    assert run("report", "aleppo-2016-12", "--layout", "grandalf", "-o", str(html)).exit_code == 0
    check_html(html.read_text())
    result = run("report", "aleppo-2016-12", "--variant", "aleppo-militias-stand-aside", "-o", str(md))
    assert result.exit_code == 0 and result.stderr == f"wrote {md}\n"
    assert md.read_text().startswith("# Aleppo evacuation deal") and "## Variants beside the baseline" in md.read_text()


def test_cli_what_ifs_change_the_baseline():
    result = run("report", "aleppo-2016-12", "--without", "militias", "--format", "md")
    assert result.exit_code == 0
    assert "- without militias" in result.stdout
    assert "**Final state:** `evacuating`" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "r.txt"], "Error: cannot tell the report format from 'r.txt': name it .html or .md, or give --format html|md\n"),
        ([], "Error: give -o FILE (.html or .md), or --format html|md to write to the terminal\n"),
    ],
)
def test_cli_usage_errors(args, message):
    result = run("report", "aleppo-2016-12", *args)
    assert result.exit_code == 2 and result.stderr == message


def test_cli_refuses_to_overwrite(tmp_path):
    out = tmp_path / "r.md"
    out.write_text("mine")
    result = run("report", "aleppo-2016-12", "-o", str(out))
    assert result.exit_code == 2 and out.read_text() == "mine"
    assert run("report", "aleppo-2016-12", "-o", str(out), "--force").exit_code == 0


def test_report_help_has_examples():
    result = run("report", "--help")
    assert result.exit_code == 0 and "negsim report aleppo-2016-12 -o report.html" in result.output


def test_layout_graphviz_without_graphviz_says_what_to_install(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "graphviz", None)
    result = run("report", "aleppo-2016-12", "--layout", "graphviz", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --layout graphviz needs Graphviz: install the extra with ")
    assert not (tmp_path / "r.html").exists()
    auto = run("report", "aleppo-2016-12", "-o", str(tmp_path / "r.html"))  # auto falls back to grandalf
    assert auto.exit_code == 0
    assert '<g class="edge blocked">' in (tmp_path / "r.html").read_text()


LOOPS = """\
negsim: 1
id: loops
title: Loops
timezone: "+00:00"
facts:
  ready: false
parties:
  alpha:
    name: Alpha
    conditions:
      ok:
        text: Alpha is ready
        when: ready
deal:
  initial: open
  states:
    open: Talks are open
    signed: The deal is signed
  transitions:
    - trigger: talk
      from: open
      to: open
    - trigger: sign
      from: open
      to: signed
      consent: [alpha]
    - trigger: reopen
      from: signed
      to: open
timeline:
  - at: 2020-01-01T10:00
    id: a
    trigger: talk
  - at: 2020-01-01T11:00
    id: b
    set:
      ready: true
    trigger: sign
  - at: 2020-01-01T12:00
    id: c
    trigger: reopen
  - at: 2020-01-01T13:00
    id: d
    trigger: talk
"""


@pytest.mark.parametrize("source", ["article", "loops"])
def test_grandalf_drawing_stays_inside_its_view_box(write, source):
    from negsim.diagram import build as build_diagram

    sc = negsim.load("aleppo-2016-12" if source == "article" else write(LOOPS))
    svg = grandalf_svg(build_diagram(sc, negsim.replay(sc)))
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    points = [tuple(map(float, p.split(","))) for pts in re.findall(r'points="([^"]+)"', svg) for p in pts.split()]
    boxes = [tuple(map(float, m)) for m in re.findall(r'<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)]
    assert points and boxes
    assert all(0 <= x <= width and 0 <= y <= height for x, y in points)
    assert all(x >= 0 and y >= 0 and x + w <= width and y + h <= height for x, y, w, h in boxes)
    if source == "loops":
        assert re.search(r'<g class="edge path"><title>\[1,4\] talk</title>', svg)


def test_report_of_an_uncertain_scenario_tells_one_seeded_run_and_charts_a_sweep(tmp_path):
    out = tmp_path / "u.md"
    result = CliRunner().invoke(cli, ["report", "aleppo-uncertain", "--seed", "1", "--runs", "2000", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| ([\d,]+) \| ([\d.]+)% \|", text, re.M)
    assert sum(int(n.replace(",", "")) for _, n, _ in rows) == 2000
    from negsim.sweep import sweep

    expected = dict(sweep(negsim.load("aleppo-uncertain"), 2000, 1).points[0].finals)
    assert {s: int(n.replace(",", "")) for s, n, _ in rows} == {s: x.count for s, x in expected.items()}
    told = negsim.replay(negsim.load("aleppo-uncertain"), 1)
    assert f"`{told.final_state}`" in text


def test_report_and_diagram_path_of_an_uncertain_scenario_need_a_seed():
    for args in (["report", "aleppo-uncertain", "--format", "md"], ["diagram", "aleppo-uncertain", "--path"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: 'aleppo-uncertain' leaves 6 things to chance (fact 'checkpoints_open' is drawn")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_tells_an_uncertain_event_that_did_not_happen(fmt):
    seed = next(s for s in range(100) if any(st.outcome == "absent" for st in negsim.replay(negsim.load("aleppo-uncertain"), s).steps))
    result = CliRunner().invoke(cli, ["report", "aleppo-uncertain", "--seed", str(seed), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Did not happen in this sampled run (it happens with p=" in unescape(result.stdout)

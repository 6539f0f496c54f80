"""The report as one self-contained HTML page: inline CSS and SVG, nothing fetched.

Every piece of scenario text passes through :func:`html.escape` (quotes
included), so a title or a quote with markup in it shows as text. The page
has no scripts, links, fonts or images by address: it opens from disk,
offline, the same everywhere.
"""

from __future__ import annotations

from html import escape

from .. import __version__
from ..report import OUTCOME_WORDS, Entry, Report, VariantSection
from .common import day, value
from .svg import bar_chart_svg, diagram_svg

CSS = """
body{font:15px/1.45 Georgia,'Times New Roman',serif;color:#1f2937;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif;line-height:1.2}
h1{font-size:1.7rem}h2{border-bottom:2px solid #e5e7eb;padding-bottom:.2rem;margin-top:2.2rem}
.meta,.id,time{font-family:Helvetica,Arial,sans-serif;color:#6b7280;font-size:.85rem}
code{font-size:.85em;background:#f3f4f6;padding:0 .2em;border-radius:3px}
svg.diagram{max-width:100%;height:auto;display:block;margin:1rem auto}
svg.chart{max-width:100%;height:auto}
.legend span{display:inline-block;margin-right:1.2rem;font:13px Helvetica,Arial,sans-serif}
.sw{display:inline-block;width:1.6em;height:.3em;vertical-align:middle;margin-right:.3em}
ol.timeline{list-style:none;padding:0;border-left:3px solid #d1d5db;margin-left:.6rem}
ol.timeline>li{position:relative;padding:.2rem 0 .8rem 1.2rem}
ol.timeline>li.day{font:bold 14px Helvetica,Arial,sans-serif;padding-top:1rem;color:#374151}
ol.timeline>li.event::before{content:"";position:absolute;left:-.55rem;top:.55rem;width:.7rem;height:.7rem;border-radius:50%;background:#9ca3af}
ol.timeline>li.changed::before{background:#1d4ed8}
ol.timeline>li.blocked::before{background:#b91c1c}
.event h4{margin:.1rem 0;font-size:1rem}
.event ul{margin:.2rem 0;padding-left:1.2rem}
.state{font:13px Helvetica,Arial,sans-serif;color:#1d4ed8;margin:.1rem 0}
.blocks{background:#fef2f2;border-left:3px solid #b91c1c;padding:.3rem .6rem;margin:.3rem 0}
.blocks strong{color:#b91c1c}
blockquote{margin:.3rem 0 .3rem .4rem;padding-left:.7rem;border-left:3px solid #e5e7eb;color:#4b5563;font-style:italic}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #e5e7eb;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f9fafb;font-family:Helvetica,Arial,sans-serif}
td.yes{color:#166534}td.no{color:#b91c1c}tr.fork td{background:#fffbeb}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.side div{border:1px solid #e5e7eb;padding:.5rem .7rem;border-radius:4px}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def render_report_html(report: Report, engine: str = "auto") -> str:
    """The whole report as HTML; ``engine`` picks the diagram layout ('auto', 'graphviz', 'grandalf')."""
    r = report
    sc, trace = r.scenario, r.trace
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(sc.title)} - negsim report</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(sc.title)}</h1>",
        f'<p class="meta">Scenario <code>{e(sc.id)}</code> - times are local (UTC{e(sc.utc_offset)})'
        f" - made with negsim {e(__version__)}</p>",
    ]
    if sc.description:
        out.append(f"<p>{e(' '.join(sc.description.split()))}</p>")
    if trace.applied:
        out.append("<p><strong>What-ifs:</strong></p><ul>" + "".join(f"<li>{e(w)}</li>" for w in trace.applied) + "</ul>")
    if trace.seed is not None:
        drawn = ", ".join(f"{fid} = {value(v)}" for fid, v in trace.drawn)
        out.append(
            f"<p><strong>Seed:</strong> {trace.seed} (replay this run with <code>--seed {trace.seed}</code>)"
            + (f"; drawn: {e(drawn)}" if drawn else "") + "</p>"
        )
    out.append(
        f'<p class="summary"><strong>Final state:</strong> <code>{e(trace.final_state)}</code><br>'
        f"<strong>Path:</strong> {' &rarr; '.join(f'<code>{e(s)}</code>' for s in trace.path)}</p>"
    )
    out.append("</header>")
    if sc.sources:
        out.append('<section id="sources"><h2>Sources</h2><ul>')
        out += [f"<li>{e(s.title)}" + (f" ({e(s.date)})" if s.date else "") + f' <span class="id">[{e(s.id)}]</span></li>' for s in sc.sources]
        out.append("</ul></section>")
    out += [
        '<section id="diagram"><h2>The deal\'s states and the path taken</h2>',
        '<p class="legend"><span><i class="sw" style="background:#1d4ed8"></i>path taken, steps numbered</span>'
        '<span><i class="sw" style="background:#b91c1c"></i>blocked, with the parties that blocked it</span>'
        '<span><i class="sw" style="background:#fde68a"></i>final state</span></p>',
        diagram_svg(r.diagram, engine).rstrip("\n"),
        "</section>",
        '<section id="timeline"><h2>Timeline</h2>',
        '<ol class="timeline">',
    ]
    current = ""
    for entry in r.entries:
        d = day(entry.at)
        if d != current:
            out.append(f'<li class="day">{e(d)}</li>')
            current = d
        out += _entry(entry)
    out += ["</ol>", "</section>"]
    out += _parties(r)
    if r.variants:
        out.append('<section id="variants"><h2>Variants beside the baseline</h2>')
        for v in r.variants:
            out += _variant(v, r)
        out.append("</section>")
    if r.sweep is not None:
        counts, total = r.sweep
        out += ['<section id="sweep"><h2>Outcomes</h2>', bar_chart_svg(counts, total).rstrip("\n"), "</section>"]
    out += [
        f'<footer><p class="meta">negsim {e(__version__)} - scenario {e(sc.id)}, sha256 {e(sc.sha256)}</p></footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _entry(entry: Entry) -> list[str]:
    classes = ["event", entry.outcome]
    if entry.changed:
        classes.append("changed")
    if entry.blocked:
        classes.append("blocked")
    out = [
        f'<li class="{" ".join(classes)}">',
        f'<time datetime="{e(entry.at.isoformat())}">{entry.at:%H:%M}</time>',
        f'<h4>{e(entry.text)} <span class="id">[{e(entry.event)}]</span></h4>',
    ]
    if entry.changed:
        out.append(f'<p class="state"><code>{e(entry.from_state)}</code> &rarr; <code>{e(entry.to_state)}</code></p>')
    else:
        out.append(f'<p class="state">{e(OUTCOME_WORDS[entry.outcome])}; the deal stays <code>{e(entry.from_state)}</code></p>')
    out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in entry.lines) + "</ul>")
    if entry.blocked:
        out.append('<div class="blocks"><strong>Blocked</strong><ul>' + "".join(f"<li>{e(b)}</li>" for b in entry.blocked) + "</ul></div>")
    out += [f"<blockquote>&ldquo;{e(q)}&rdquo;</blockquote>" for q in entry.quotes]
    out.append("</li>")
    return out


def _parties(r: Report) -> list[str]:
    out = ['<section id="parties"><h2>Parties and their conditions</h2>']
    for p in r.parties:
        out.append(f'<h3>{e(p.name)} <span class="id">[{e(p.id)}]</span></h3>')
        if p.description:
            out.append(f"<p>{e(p.description)}</p>")
        if not p.rows:
            out.append("<p>No conditions: consents to every step it is asked for.</p>")
            continue
        out.append("<table><tr><th>Condition</th><th>Rule</th><th>In force</th><th>Held at the end</th><th>Blocked</th></tr>")
        for c in p.rows:
            held = {True: ("yes", "yes"), False: ("no", "no"), None: ("", "cannot tell")}[c.held]
            force = e(c.added) + (f"; dropped {e(c.dropped)}" if c.dropped else "")
            out.append(
                f"<tr><td>{e(c.text)} <span class=\"id\">[{e(c.ref)}]</span></td><td><code>{e(c.when)}</code></td>"
                f'<td>{force}</td><td class="{held[0]}">{held[1]}</td><td>{e(", ".join(c.blocked)) or "-"}</td></tr>'
            )
        out.append("</table>")
    out.append("</section>")
    return out


def _variant(v: VariantSection, r: Report) -> list[str]:
    base = r.trace
    out = [f'<h3>{e(v.title)} <span class="id">[{e(v.id)}]</span></h3>']
    if v.question:
        out.append(f"<p><em>{e(v.question)}</em></p>")
    if v.whatifs:
        out.append("<ul>" + "".join(f"<li>{e(w)}</li>" for w in v.whatifs) + "</ul>")
    out += [
        '<div class="side">',
        f"<div><strong>Baseline</strong><br>final state <code>{e(base.final_state)}</code><br>"
        + " &rarr; ".join(f"<code>{e(s)}</code>" for s in base.path) + "</div>",
        f"<div><strong>{e(v.id)}</strong><br>final state <code>{e(v.final_state)}</code><br>"
        + ("the same path as the baseline" if v.same_path else " &rarr; ".join(f"<code>{e(s)}</code>" for s in v.path)) + "</div>",
        "</div>",
        f"<p>{e(v.fork)}</p>",
    ]
    if v.differences:
        out.append('<p class="meta">Every event whose step differs; shaded: the deal is in different states after it.</p>')
        out.append("<table><tr><th>When</th><th>Event</th><th>Baseline</th><th>Variant</th></tr>")
        for at, event, b, w, forks in v.differences:
            cls = ' class="fork"' if forks else ""
            out.append(f"<tr{cls}><td>{e(at)}</td><td><code>{e(event)}</code></td><td>{e(b)}</td><td>{e(w)}</td></tr>")
        out.append("</table>")
    return out

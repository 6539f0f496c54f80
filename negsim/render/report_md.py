"""The report as Markdown: the same facts as the HTML page, the diagram as a Mermaid block.

Scenario text is backslash-escaped wherever Markdown would read it as
markup (a title with ``<script>`` in it shows as text); identifiers go in
code spans.
"""

from __future__ import annotations

import re

from .. import __version__
from ..diagram import to_mermaid
from ..report import OUTCOME_WORDS, Entry, Report, VariantSection
from .common import day, value

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~&])")


def md(text: object) -> str:
    """Text that Markdown shows as written, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: object) -> str:
    return f"`{str(text).replace('`', '')}`"


def render_report_md(report: Report) -> str:
    r = report
    sc, trace = r.scenario, r.trace
    out = [f"# {md(sc.title)}", "", f"Scenario {code(sc.id)} - times are local (UTC{sc.utc_offset}) - made with negsim {__version__}"]
    if sc.description:
        out += ["", md(sc.description)]
    if trace.applied:
        out += ["", "**What-ifs:**", "", *[f"- {md(w)}" for w in trace.applied]]
    if trace.seed is not None:
        drawn = ", ".join(f"{fid} = {value(v)}" for fid, v in trace.drawn)
        out += ["", f"**Seed:** {trace.seed} (replay this run with `--seed {trace.seed}`)" + (f"; drawn: {md(drawn)}" if drawn else "")]
    out += [
        "",
        f"**Final state:** {code(trace.final_state)}  ",
        f"**Path:** {' → '.join(code(s) for s in trace.path)}",
    ]
    if sc.sources:
        out += ["", "## Sources", ""]
        out += [f"- {md(s.title)}" + (f" ({md(s.date)})" if s.date else "") + f" \\[{code(s.id)}\\]" for s in sc.sources]
    out += [
        "",
        "## The deal's states and the path taken",
        "",
        "Steps of the path are numbered \\[1\\], \\[2\\], ...; a blocked transition names the parties that blocked it.",
        "",
        "```mermaid",
        to_mermaid(r.diagram).rstrip("\n"),
        "```",
        "",
        "## Timeline",
    ]
    current = ""
    for entry in r.entries:
        d = day(entry.at)
        if d != current:
            out += ["", f"### {d}"]
            current = d
        out += _entry(entry)
    out += _parties(r)
    if r.variants:
        out += ["", "## Variants beside the baseline"]
        for v in r.variants:
            out += _variant(v, r)
    if r.sweep is not None:
        counts, total = r.sweep
        from ..sweep import wilson

        out += ["", "## Outcomes", "", f"Final states ({total:,} runs)", "", "| Final state | Runs | Share | 95% interval | |", "| --- | ---: | ---: | ---: | --- |"]
        for k, n in counts.items():
            ci = wilson(n, total)
            out.append(f"| {code(k)} | {n:,} | {100.0 * n / total:.1f}% | {100 * ci.low:.1f}-{100 * ci.high:.1f}% | {_bar(n, total)} |")
    out += ["", "---", "", f"negsim {__version__} - scenario {code(sc.id)}, sha256 {code(sc.sha256)}"]
    return "\n".join(out) + "\n"


def _bar(n: int, total: int, width: int = 30) -> str:
    """A bar of block characters, ``width`` long for all the runs (a chart any Markdown viewer shows)."""
    return "\u2588" * round(width * n / total) or "\u258f"


def _entry(entry: Entry) -> list[str]:
    out = ["", f"#### {entry.at:%H:%M} {md(entry.text)} \\[{code(entry.event)}\\]", ""]
    if entry.changed:
        out.append(f"*{code(entry.from_state)} → {code(entry.to_state)}*")
    else:
        out.append(f"*{md(OUTCOME_WORDS[entry.outcome])}; the deal stays {code(entry.from_state)}*")
    out.append("")
    out += [f"- {md(line)}" for line in entry.lines]
    if entry.blocked:
        out += ["", "**Blocked**", "", *[f"- {md(b)}" for b in entry.blocked]]
    for q in entry.quotes:
        out += ["", f"> “{md(q)}”"]
    return out


def _cell(text: str) -> str:
    return md(text) or "-"


def _parties(r: Report) -> list[str]:
    out = ["", "## Parties and their conditions"]
    for p in r.parties:
        out += ["", f"### {md(p.name)} \\[{code(p.id)}\\]", ""]
        if p.description:
            out += [md(p.description), ""]
        if not p.rows:
            out.append("No conditions: consents to every step it is asked for.")
            continue
        out += ["| Condition | Rule | In force | Held at the end | Blocked |", "| --- | --- | --- | --- | --- |"]
        for c in p.rows:
            held = {True: "yes", False: "no", None: "cannot tell"}[c.held]
            force = md(c.added) + (f"; dropped {md(c.dropped)}" if c.dropped else "")
            out.append(
                f"| {md(c.text)} \\[{code(c.ref)}\\] | {code(c.when).replace('|', '&#124;')} | {force} | {held} | {_cell(', '.join(c.blocked))} |"
            )
    return out


def _variant(v: VariantSection, r: Report) -> list[str]:
    base = r.trace
    out = ["", f"### {md(v.title)} \\[{code(v.id)}\\]", ""]
    if v.question:
        out += [f"*{md(v.question)}*", ""]
    if v.whatifs:
        out += [*[f"- {md(w)}" for w in v.whatifs], ""]
    variant_path = "the same path as the baseline" if v.same_path else " → ".join(code(s) for s in v.path)
    out += [
        f"| | Baseline | {code(v.id)} |",
        "| --- | --- | --- |",
        f"| Final state | {code(base.final_state)} | {code(v.final_state)} |",
        f"| Path | {' → '.join(code(s) for s in base.path)} | {variant_path} |",
        "",
        md(v.fork),
    ]
    if v.differences:
        out += ["", "Every event whose step differs; **states differ**: the deal is in different states after it.", ""]
        out += ["| When | Event | Baseline | Variant |", "| --- | --- | --- | --- |"]
        for at, event, b, w, forks in v.differences:
            mark = " **states differ**" if forks else ""
            out.append(f"| {md(at)}{mark} | {code(event)} | {md(b)} | {md(w)} |")
    return out

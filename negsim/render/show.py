"""`negsim show`: everything a scenario declares, on one page."""

from __future__ import annotations

from ..model import Scenario, format_minutes
from .common import value, wrap


def render_show(scenario: Scenario) -> str:
    """The scenario's parties, conditions, facts, states and timeline as text."""
    sc = scenario
    out = [*wrap(sc.title, ""), f"id: {sc.id}   timezone: UTC{sc.utc_offset}   file: {sc.path}"]
    for label in sc.applied:
        out += wrap(label, "      ", "what-if: ")
    if sc.description:
        out += ["", *wrap(sc.description, "")]
    if sc.sources:
        out += ["", "Sources"]
        for s in sc.sources:
            out += wrap(f"{s.title} ({s.date})" if s.date else s.title, "    ", f"  {s.id}: ")
    out += ["", "Facts (starting values)"]
    for f in sc.facts.values():
        levers = f"  (lever: may be {', '.join(value(v) for v in f.levers)})" if f.levers else ""
        drawn = f"  (drawn each run: {f.draw.describe()})" if f.draw else ""
        out += wrap(f"{f.id} = {value(f.value)}" + (f"  - {f.text}" if f.text else "") + levers + drawn, "      ", "  ")
    out += ["", "Parties and their conditions"]
    for p in sc.parties.values():
        out.append(f"  {p.name} ({p.id})")
        if not p.conditions:
            out.append("      (no conditions: consents to every step it is asked for)")
        for c in p.conditions.values():
            when = "" if c.active else " (added later)"
            out += wrap(f"{c.text}{when} [when: {c.when.text}]", "        ", f"    {c.id}: ")
    out += ["", f"Deal states (starts in {sc.initial})"]
    for s in sc.states.values():
        out += wrap(s.description or "", "      ", f"  {s.id}: ")
    out += ["", "Transitions"]
    for t in sc.transitions:
        line = f"  {t.trigger}: {', '.join(t.sources)} -> {t.dest}"
        out.append(line)
        if t.consent:
            out += wrap("consent: " + ", ".join(t.consent), "      ", "      ")
        if t.when:
            out += wrap(f"when: {t.when.text}", "      ", "      ")
    out += ["", "Timeline"]
    for e in sc.timeline:
        what = e.trigger or "-"
        if e.otherwise:
            what += f" (otherwise {e.otherwise})"
        chance = [f"p={e.p:g}"] if e.p is not None else []
        chance += [f"jitter {format_minutes(e.jitter)}"] if e.jitter else []
        line = f"{e.id}: {e.text}" + (f"  [{what}]" if e.trigger else "") + (f"  ({', '.join(chance)})" if chance else "")
        out += wrap(line, "                    ", f"  {e.at:%Y-%m-%d %H:%M}  ")
    return "\n".join(out) + "\n"

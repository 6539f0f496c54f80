"""A report a student can hand in: one run, in words and pictures, with variants beside it.

:func:`build` gathers everything the report says into plain values (every
sentence already in words), so the HTML and Markdown renderers
(negsim.render.report_html and report_md) show exactly the same facts and
differ only in markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from .compare import Comparison, Difference
from .diagram import Diagram
from .diagram import build as build_diagram
from .engine import Engine
from .model import Scenario
from .render.common import value
from .trace import ABSENT, BLOCKED, FIRED, INVALID, NOTED, OTHERWISE, SKIPPED, Block, Step, Trace

OUTCOME_WORDS = {
    FIRED: "the deal moved on",
    OTHERWISE: "blocked; the fallback step was taken",
    BLOCKED: "blocked",
    INVALID: "not possible from this state",
    SKIPPED: "did not happen",
    NOTED: "recorded",
    ABSENT: "did not happen in this sampled run",
}


class Entry(NamedTuple):
    """One timeline event, told in plain words."""

    at: datetime
    event: str
    text: str
    outcome: str
    from_state: str
    to_state: str
    lines: tuple[str, ...]  # what happened, sentence by sentence
    blocked: tuple[str, ...]  # one sentence per blocking condition
    quotes: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.from_state != self.to_state


class ConditionRow(NamedTuple):
    ref: str
    text: str
    when: str
    added: str  # "from the start", "Wed 14 Dec 10:00 (event)" or "never in this run"
    dropped: str  # "" when never dropped
    held: bool | None  # at the end of the run; None: could not be evaluated
    blocked: tuple[str, ...]  # the steps it blocked, "05:00 depart"


class PartyRows(NamedTuple):
    id: str
    name: str
    description: str
    rows: tuple[ConditionRow, ...]


class VariantSection(NamedTuple):
    id: str
    title: str
    question: str
    whatifs: tuple[str, ...]
    final_state: str
    path: tuple[str, ...]
    same_path: bool
    differences: tuple[tuple[str, str, str, str, bool], ...]  # (when, event, baseline, variant, forks)
    fork: str  # one sentence: where the paths part


class Report(NamedTuple):
    scenario: Scenario
    trace: Trace
    diagram: Diagram
    entries: tuple[Entry, ...]
    parties: tuple[PartyRows, ...]
    variants: tuple[VariantSection, ...]
    sweep: tuple[Mapping[str, int], int] | None  # ({final state: runs}, total runs)


def build(
    scenario: Scenario,
    comparisons: list[Comparison] | None = None,
    sweep: tuple[Mapping[str, int], int] | None = None,
    seed: int | None = None,
) -> Report:
    """The report of ``scenario``'s run (``seed``: which run, for an uncertain scenario), with
    ``comparisons`` (baseline beside each variant) and, optionally, a sweep's outcome counts
    ``({final state: runs}, total)``."""
    trace = comparisons[0].baseline.trace if comparisons else Engine(scenario).run(seed)
    entries = tuple(_entry(s, scenario) for s in trace.steps)
    return Report(
        scenario,
        trace,
        build_diagram(scenario, trace),
        entries,
        _parties(scenario, trace),
        tuple(_variant(c, scenario) for c in comparisons or ()),
        sweep,
    )


def when(at: datetime) -> str:
    return f"{at:%a %d %b %H:%M}"


def block_words(b: Block, scenario: Scenario) -> str:
    """A blocking condition in words: who, what they need, and the rule it stands for."""
    if b.party is None:
        return f"The deal itself: {b.text} (rule: {b.when})"
    name = scenario.parties[b.party].name if b.party in scenario.parties else b.party
    return f"{name}: {b.text} ({b.party}.{b.condition}: {b.when})"


def _entry(step: Step, sc: Scenario) -> Entry:
    lines: list[str] = []
    blocked: list[str] = []
    if step.outcome == SKIPPED:
        ev = sc.event(step.event)
        cond = ev.if_.text if ev is not None and ev.if_ else "its condition"
        lines.append(f"Did not happen: its condition '{cond}' did not hold (the deal was {step.from_state}).")
    if step.outcome == ABSENT:
        ev = sc.event(step.event)
        chance = f" (it happens with p={ev.p:g})" if ev is not None and ev.p is not None else ""
        lines.append(f"Did not happen in this sampled run{chance}.")
    for fid, v in step.set:
        fact = sc.facts.get(fid)
        lines.append(f"Now {fid} = {value(v)}" + (f" ({fact.text})." if fact and fact.text else "."))
    for verb, refs in (("adds", step.added), ("drops", step.dropped)):
        for ref in refs:
            cond = sc.condition(ref)
            party = sc.parties[ref.split(".")[0]].name
            lines.append(f"{party} {verb} a condition: {cond.text if cond else ref} ({ref}).")
    for i, a in enumerate(step.attempts):
        name = f"Otherwise the step {a.trigger}" if i else f"The step {a.trigger}"
        if a.fired:
            lines.append(f"{name} fired: {step.from_state} \u2192 {step.to_state}.")
            blocked += [f"{a.trigger}, first way blocked by " + block_words(b, sc) for b in a.passed_over]
        elif not a.valid:
            lines.append(f"{name} is not possible from {step.from_state}.")
        else:
            lines.append(f"{name} was blocked.")
            blocked += [f"{a.trigger} blocked by " + block_words(b, sc) for b in a.blocked_by]
    if step.outcome == NOTED and not (step.set or step.added or step.dropped):
        lines.append("Recorded; no step of the deal is tried.")
    return Entry(step.at, step.event, step.text or step.event, step.outcome, step.from_state, step.to_state, tuple(lines), tuple(blocked), step.cite)


def _parties(sc: Scenario, trace: Trace) -> tuple[PartyRows, ...]:
    env: dict[str, object] = dict(trace.facts)
    env["state"] = trace.final_state
    out = []
    for p in sc.parties.values():
        rows = []
        for c in p.conditions.values():
            added = "from the start" if c.active else "never in this run"
            dropped = ""
            for s in trace.steps:
                if c.ref in s.added and added == "never in this run":
                    added = f"{when(s.at)} ({s.event})"
                if c.ref in s.dropped and not dropped:
                    dropped = f"{when(s.at)} ({s.event})"
            try:
                held: bool | None = bool(c.when.fn(env))
            except Exception:  # noqa: BLE001 - a guard that cannot be evaluated at the end (e.g. division by zero)
                held = None
            stops = tuple(
                f"{s.at:%a %H:%M} {a.trigger}"
                for s in trace.steps
                for a in s.attempts
                if any(b.party == p.id and b.condition == c.id for b in (*a.blocked_by, *a.passed_over))
            )
            rows.append(ConditionRow(c.ref, c.text, c.when.text, added, dropped, held, stops))
        out.append(PartyRows(p.id, p.name, p.description, tuple(rows)))
    return tuple(out)


def _side(step: Step | None) -> str:
    if step is None:
        return "the event does not happen"
    if step.outcome == SKIPPED:
        return f"did not happen (its 'if' did not hold); stays {step.from_state}"
    if step.outcome == ABSENT:
        return f"did not happen in this sampled run; stays {step.from_state}"
    parts = [f"adds {ref}" for ref in step.added] + [f"drops {ref}" for ref in step.dropped]
    for i, a in enumerate(step.attempts):
        name = f"otherwise {a.trigger}" if i else a.trigger
        parts.append(f"{name} fired" if a.fired else f"{name} {'blocked' if a.valid else 'not possible'}")
    if not step.attempts:
        parts.append("no step tried")
    return f"{'; '.join(parts)}: {step.from_state} \u2192 {step.to_state} at {step.at:%H:%M}"


def _variant(c: Comparison, sc: Scenario) -> VariantSection:
    from .compare import diff

    v = c.variant
    rows = tuple(
        (when(d.at), d.event, _side(d.baseline), _side(d.variant), d.forks) for d in diff(c.baseline.trace, v.trace)
    )
    return VariantSection(
        v.id, v.title, v.question, v.trace.applied, v.trace.final_state, v.trace.path, c.same_path, rows, _fork(c, sc)
    )


def _fork(c: Comparison, sc: Scenario) -> str:
    f: Difference | None = c.fork
    if c.first_difference is None:
        return "No difference: every step is the same as in the baseline."
    if f is None:
        return "The deal goes through the same states at the same moments; only details of the steps differ."
    text = f"The paths part at {when(f.at)}, event {f.event}."
    if c.same_path:
        text = f"The same path, at other times: the deal's state first differs at {when(f.at)}, event {f.event}."
    why = [f"Blocked in the baseline only: {block_words(b, sc)}" for b in f.only_baseline]
    why += [f"Blocked in the variant only: {block_words(b, sc)}" for b in f.only_variant]
    return text + (" " + "; ".join(why) + "." if why else "")

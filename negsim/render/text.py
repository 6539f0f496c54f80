"""The replay as a timeline a student can follow, in 80 columns."""

from __future__ import annotations

from ..model import Scenario
from ..trace import ABSENT, NOTED, SKIPPED, Attempt, Block, Step, Trace
from .common import day, value, wrap

PAD = " " * 7


def render_text(trace: Trace, scenario: Scenario) -> str:
    """The whole trace as readable text (ends with a newline)."""
    out = [*wrap(trace.title, ""), f"{trace.scenario} - times are local (UTC{trace.utc_offset}) - start: {trace.initial_state}"]
    if trace.applied:
        out += wrap("; ".join(trace.applied), "          ", "What-ifs: ")
    if trace.seed is not None:
        out.append(f"Seed: {trace.seed}")
        if trace.drawn:
            out += wrap(", ".join(f"{fid} = {value(v)}" for fid, v in trace.drawn), "       ", "Drawn: ")
    current_day = ""
    for step in trace.steps:
        d = day(step.at)
        if d != current_day:
            out += ["", d]
            current_day = d
        out += _step(step, scenario)
    out += ["", f"Final state: {trace.final_state}"]
    out += wrap(" > ".join(trace.path), "      ", "Path: ")
    return "\n".join(out) + "\n"


def _step(step: Step, scenario: Scenario) -> list[str]:
    head = step.text or step.event
    lines = wrap(f"{head} [{step.event}]", PAD, f"{step.at:%H:%M}  ")
    if step.outcome == ABSENT:
        ev = scenario.event(step.event)
        chance = f" (it happens with p={ev.p:g})" if ev is not None and ev.p is not None else ""
        return lines + wrap(f"did not happen in this sampled run{chance}", PAD + "  ", PAD)
    if step.outcome == SKIPPED:
        ev = scenario.event(step.event)
        cond = ev.if_.text if ev is not None and ev.if_ else "its 'if'"
        return lines + wrap(f"did not happen: 'if: {cond}' did not hold (state {step.from_state})", PAD + "  ", PAD)
    for fid, v in step.set:
        lines.append(f"{PAD}set {fid} = {value(v)}")
    for ref in step.added:
        lines += _condition_change("+ ", "adds", ref, scenario)
    for ref in step.dropped:
        lines += _condition_change("- ", "drops", ref, scenario)
    for i, attempt in enumerate(step.attempts):
        lines += _attempt(attempt, step, scenario, otherwise=i > 0)
    if step.outcome == NOTED and not (step.set or step.added or step.dropped):
        lines.append(f"{PAD}(recorded; no step of the deal is tried)")
    for quote in step.cite:
        lines += wrap(f'"{quote}"', PAD + " ", PAD)
    return lines


def _condition_change(sign: str, verb: str, ref: str, scenario: Scenario) -> list[str]:
    cond = scenario.condition(ref)
    party = scenario.parties[ref.split(".")[0]].name
    return wrap(f"{party} {verb} a condition: {cond.text if cond else ref} ({ref})", PAD + "  ", PAD + sign)


def _attempt(a: Attempt, step: Step, scenario: Scenario, otherwise: bool) -> list[str]:
    label = f"otherwise {a.trigger}" if otherwise else a.trigger
    if a.fired:
        lines = [f"{PAD}{label}: {step.from_state} -> {step.to_state}"]
        if a.passed_over:
            lines.append(f"{PAD}  (an earlier transition for {a.trigger} was blocked by")
            for block in a.passed_over:
                lines += _block(block, scenario)
            lines[-1] += ")"
        return lines
    if not a.valid:
        return wrap(f"{label}: not possible from state {step.from_state}", PAD)
    lines = [f"{PAD}{label}: BLOCKED by"]
    for block in a.blocked_by:
        lines += _block(block, scenario)
    return lines


def _block(b: Block, scenario: Scenario) -> list[str]:
    if b.party is None:
        who = "the deal itself"
        ref = f"guard: {b.when}"
    else:
        who = scenario.parties[b.party].name if b.party in scenario.parties else b.party
        ref = f"{b.party}.{b.condition}: {b.when}"
    return wrap(f"{who}: {b.text} [{ref}]", PAD + "    ", PAD + "  - ")


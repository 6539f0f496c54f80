"""`negsim compare` output: text for people, data for scripts."""

from __future__ import annotations

import json

from ..compare import Comparison, Difference, Run
from ..model import Scenario
from ..trace import Block, Step, block_dict
from .common import wrap


def render_compare_text(comparisons: list[Comparison], scenario: Scenario) -> str:
    base = comparisons[0].baseline if comparisons else None
    out: list[str] = []
    if base is None:
        return ""
    width = max([len("baseline"), *(len(c.variant.id) for c in comparisons)])
    out.append(f"{'run':<{width}}  {'final state':<13} states differ from")
    out.append(f"{'baseline':<{width}}  {base.trace.final_state:<13} -")
    for c in comparisons:
        f = c.fork
        where = f"{_when(f)} {f.event}" if f else "never (same states)"
        if f and c.same_path:
            where += " (timing only)"
        out.append(f"{c.variant.id:<{width}}  {c.variant.trace.final_state:<13} {where}")
    out += ["", *wrap(f"Baseline: {base.title} ({base.trace.scenario})", "    ", "  ")]
    for label in base.trace.applied:
        out += wrap(label, "      ", "  what-if: ")
    out += wrap(" > ".join(base.trace.path), "        ", "  path: ")
    for c in comparisons:
        out += ["", *_variant(c, scenario)]
    return "\n".join(out) + "\n"


def _when(d: Difference) -> str:
    return f"{d.at:%d %b %H:%M}"


def _variant(c: Comparison, scenario: Scenario) -> list[str]:
    v = c.variant
    out = wrap(f"{v.id}: {v.title}", "    ", "  ")
    if v.question:
        out += wrap(v.question, "    ", "  question: ")
    for label in v.trace.applied:
        out += wrap(label, "      ", "  what-if: ")
    same = "the same as the baseline" if c.same_path else " > ".join(v.trace.path)
    out += wrap(same, "        ", "  path: ")
    out.append(f"  final state: {v.trace.final_state} (baseline: {c.baseline.trace.final_state})")
    first, fork = c.first_difference, c.fork
    if first is None:
        out.append("  no difference: every step is the same as in the baseline")
        return out
    if fork is None:
        out += _difference("first difference (the deal stays in the same states)", first, scenario)
    else:
        if first is not fork:
            out += _difference("first difference (same states)", first, scenario)
        verb = "the deal's state differs (same path, other times)" if c.same_path else "paths fork"
        out += _difference(verb, fork, scenario)
    return out


def _difference(verb: str, d: Difference, scenario: Scenario) -> list[str]:
    out = wrap(f"{verb} at {d.at:%a %d %b %Y %H:%M}, event {d.event}:", "    ", "  ")
    out += _side("baseline", d.baseline)
    out += _side("variant ", d.variant)
    if d.only_baseline:
        out.append("    blocked the step in the baseline only:")
        out += [line for b in d.only_baseline for line in _block(b, scenario)]
    if d.only_variant:
        out.append("    blocked the step in the variant only:")
        out += [line for b in d.only_variant for line in _block(b, scenario)]
    return out


def _side(label: str, step: Step | None) -> list[str]:
    if step is None:
        return [f"    {label}: the event does not happen"]
    parts = [f"adds {ref}" for ref in step.added] + [f"drops {ref}" for ref in step.dropped]
    for i, a in enumerate(step.attempts):
        name = f"otherwise {a.trigger}" if i else a.trigger
        parts.append(f"{name} fired" if a.fired else f"{name} {'blocked' if a.valid else 'not possible'}")
    if step.outcome == "skipped":
        parts.append("did not happen (its 'if' did not hold)")
    elif not step.attempts:
        parts.append("no step tried")
    what = "; ".join(parts)
    return wrap(f"{what}; {step.from_state} -> {step.to_state} at {step.at:%H:%M}", "              ", f"    {label}: ")


def _block(b: Block, scenario: Scenario) -> list[str]:
    ref = f"{b.party}.{b.condition}" if b.party else "transition guard"
    who = scenario.parties[b.party].name + ": " if b.party in scenario.parties else ""
    return wrap(f"{who}{b.text} [{ref}: {b.when}]", "        ", "      - ")


def _step_dict(step: Step | None) -> dict[str, object] | None:
    from ..trace import step_dict

    return None if step is None else step_dict(step)


def _run(r: Run) -> dict[str, object]:
    return {
        "id": r.id,
        "title": r.title,
        "question": r.question,
        "whatifs": list(r.trace.applied),
        "final_state": r.trace.final_state,
        "path": list(r.trace.path),
    }


def _difference_dict(d: Difference | None) -> dict[str, object] | None:
    if d is None:
        return None
    return {
        "event": d.event,
        "forks": d.forks,
        "baseline": _step_dict(d.baseline),
        "variant": _step_dict(d.variant),
        "blocked_only_in_baseline": [block_dict(b) for b in d.only_baseline],
        "blocked_only_in_variant": [block_dict(b) for b in d.only_variant],
    }


def comparison_dict(comparisons: list[Comparison]) -> dict[str, object]:
    if not comparisons:
        return {"baseline": None, "variants": []}
    base = comparisons[0].baseline
    variants = []
    for c in comparisons:
        entry = _run(c.variant)
        entry["same_path"] = c.same_path
        entry["first_difference"] = _difference_dict(c.first_difference)
        entry["fork"] = _difference_dict(c.fork)
        variants.append(entry)
    return {
        "negsim_version": base.trace.negsim_version,
        "scenario": base.trace.scenario,
        "scenario_sha256": base.trace.scenario_sha256,
        "baseline": _run(base),
        "variants": variants,
    }


def render_compare_json(comparisons: list[Comparison]) -> str:
    return json.dumps(comparison_dict(comparisons), indent=2, ensure_ascii=True) + "\n"

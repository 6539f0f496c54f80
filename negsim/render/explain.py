"""`negsim explain` output: text for people, data for scripts."""

from __future__ import annotations

import json

from ..explain import Explanation, Solution
from ..model import Scenario
from .common import wrap


def _goal(e: Explanation) -> str:
    return f"'{e.target}'" + (f" by {e.by:%a %d %b %Y %H:%M}" if e.by else "")


def render_explain_text(e: Explanation, scenario: Scenario) -> str:
    out = wrap(f"Which changes would let {scenario.id} reach {_goal(e)}?", "")
    if scenario.applied:
        out += wrap("; ".join(scenario.applied), "      ", "With: ")
    base = solutions_in_baseline(e)
    if base is not None:
        when = f" at {base.reached_at:%a %d %b %H:%M} ({base.event})" if base.reached_at else " from the start"
        out += wrap(f"The baseline already reaches {e.target}{when}: nothing needs to change.", "")
        return "\n".join(out) + "\n"
    later = _reached_later(e)
    if later is not None:
        out += wrap(f"The baseline reaches it only later, at {later:%a %d %b %H:%M}.", "")
    else:
        out += wrap(f"The baseline never reaches it (it ends in {e.baseline.final_state}).", "")
    what = "dropping conditions that blocked a step" + (" or setting levers" if e.levers else "")
    if e.complete:
        scope = "complete"
    elif e.stopped_by_runs:
        scope = f"stopped after {e.max_runs:,} runs; sets found are minimal, but there may be more"
    else:
        scope = f"stopped at sets of {e.max_size} changes; raise --max-size to look further"
    out += wrap(f"Searched {_runs(e.runs)}, {what} ({scope}).", "")
    out.append("")
    if not e.solutions:
        if not e.complete:
            out += wrap(f"No set of changes was found that lets the deal reach {_goal(e)} within the limits.", "")
            return "\n".join(out) + "\n"
        out += wrap(
            f"No set of changes lets the deal reach {_goal(e)}: no condition"
            + (" or lever" if e.levers else "")
            + " that blocked a step on the way opens a path there. The steps that lead there are"
            " held by transition guards, or no event tries them in time.",
            "",
        )
        if not e.levers and any(f.levers for f in scenario.facts.values()):
            out.append("Try again with --levers to also change the scenario's lever facts.")
        return "\n".join(out) + "\n"
    n = len(e.solutions)
    out.append(f"{n} minimal set{'s' if n != 1 else ''} of changes, smallest first:")
    for i, s in enumerate(e.solutions, 1):
        out += ["", *_solution(i, s, e, scenario)]
    return "\n".join(out) + "\n"


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def _reached_later(e: Explanation):  # noqa: ANN202
    from ..explain import reached

    if e.by is None:
        return None
    ok, at, _ = reached(e.baseline, e.target, None)
    return at if ok else None


def solutions_in_baseline(e: Explanation) -> Solution | None:
    return e.solutions[0] if e.solutions and not e.solutions[0].changes else None


def _solution(i: int, s: Solution, e: Explanation, scenario: Scenario) -> list[str]:
    head = f"{i}. "
    pad = " " * len(head)
    out: list[str] = []
    for j, c in enumerate(s.changes):
        if c.kind == "drop":
            cond = scenario.condition(c.target)
            party = scenario.parties[c.target.split(".")[0]].name
            detail = f"{c.label}: {party}: {cond.text}" if cond else c.label
        else:
            fact = scenario.facts[c.target]
            detail = f"{c.label} (lever: {fact.text})" if fact.text else f"{c.label} (lever)"
        out += wrap(detail, pad + "  ", head if j == 0 else pad)
    when = f"{s.reached_at:%a %d %b %H:%M} ({s.event})" if s.reached_at else "from the start"
    out += wrap(f"reaches {e.target} at {when}; ends in {s.trace.final_state}", pad + "  ", pad)
    out += wrap(" > ".join(s.trace.path), pad + "      ", pad + "path: ")
    return out


def explanation_dict(e: Explanation, scenario: Scenario) -> dict[str, object]:
    def change(c) -> dict[str, object]:  # noqa: ANN001
        if c.kind == "drop":
            cond = scenario.condition(c.target)
            return {"kind": "drop", "condition": c.target, "text": cond.text if cond else None}
        return {"kind": "set", "fact": c.target, "value": c.value}

    return {
        "negsim_version": e.baseline.negsim_version,
        "scenario": scenario.id,
        "scenario_sha256": scenario.sha256,
        "whatifs": list(scenario.applied),
        "reach": e.target,
        "by": e.by.isoformat() if e.by else None,
        "levers": e.levers,
        "baseline_reaches": solutions_in_baseline(e) is not None,
        "baseline_final_state": e.baseline.final_state,
        "runs": e.runs,
        "complete": e.complete,
        "max_size": e.max_size,
        "max_runs": e.max_runs,
        "stopped_by_runs": e.stopped_by_runs,
        "minimal_sets": [
            {
                "changes": [change(c) for c in s.changes],
                "reached_at": s.reached_at.isoformat() if s.reached_at else None,
                "event": s.event,
                "final_state": s.trace.final_state,
                "path": list(s.trace.path),
            }
            for s in e.solutions
        ],
    }


def render_explain_json(e: Explanation, scenario: Scenario) -> str:
    return json.dumps(explanation_dict(e, scenario), indent=2, ensure_ascii=True) + "\n"

"""The debrief: what the players' run achieved, and how it differs from history.

For each objective, met or not and why (with the time and event that
decided it); the players' path beside the historical path (the scenario as
written, with no decision taken) and where they part; each decision with
its consequence (what the run would have been without it, the other
decisions kept); and each inject's expected action, taken or not.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from .compare import Difference, diff
from .exercise import Exercise, Inject, Objective, Option
from .session import DECIDE, DELIVER, SKIP, Session
from .trace import Trace


class ObjectiveResult(NamedTuple):
    objective: Objective
    met: bool
    why: str


class DecisionResult(NamedTuple):
    inject: Inject
    at: datetime  # when it was decided (earlier than the inject's own time if it was fired)
    option: Option
    by: str
    consequence: str


class InjectResult(NamedTuple):
    inject: Inject
    status: str  # decided, delivered, skipped or not reached
    option: Option | None
    verdict: str  # about the expected action


class Debrief(NamedTuple):
    exercise: Exercise
    roles: tuple[str, ...]
    trace: Trace
    historical: Trace
    fork: Difference | None  # where the players' path leaves the historical one
    differences: int  # events that went differently
    objectives: tuple[ObjectiveResult, ...]
    decisions: tuple[DecisionResult, ...]
    injects: tuple[InjectResult, ...]


def debrief(session: Session, trace: Trace | None = None) -> Debrief:
    from .engine import Engine

    ex = session.exercise
    trace = trace if trace is not None else session.run()
    historical = Engine(ex.scenario).run()
    diffs = diff(historical, trace)
    decision_events = {i.decision_event for i in ex.injects}
    real = [d for d in diffs if d.event not in decision_events or d.forks]
    fork = next((d for d in diffs if d.forks), None)
    objectives = tuple(evaluate(o, trace) for o in ex.objectives)
    decisions = tuple(
        DecisionResult(
            inject,
            at,
            option,
            action.by,
            "none: events run as the scenario has them" if option.effect.empty else consequence(session, inject, trace),
        )
        for inject, option, at, action in session.decisions()
    )
    return Debrief(ex, session.roles, trace, historical, fork, len(real), objectives, decisions, _injects(session))


def evaluate(o: Objective, trace: Trace) -> ObjectiveResult:
    """Whether ``trace`` meets objective ``o``, and why, in one sentence."""
    entered = [s for s in trace.steps if s.to_state != s.from_state]
    if o.kind == "final":
        met = trace.final_state in o.states
        return ObjectiveResult(o, met, f"the deal ended {trace.final_state}")
    if o.kind == "fact":
        final = dict(trace.facts)[o.fact]  # type: ignore[index]
        setters = [s for s in trace.steps if any(f == o.fact for f, _ in s.set)]
        last = f" (last set at {_when(setters[-1])}, {setters[-1].event})" if setters else " (never changed)"
        from .render.common import value

        met = final == o.value
        return ObjectiveResult(o, met, f"{o.fact} ended {value(final)}{last}" + ("" if met else f"; wanted {value(o.value)}"))
    state = o.states[0]
    first = next((s for s in entered if s.to_state == state), None)
    if trace.initial_state == state and o.kind == "never":
        return ObjectiveResult(o, False, f"the deal starts {state}")
    if o.kind == "never":
        if first is None:
            return ObjectiveResult(o, True, f"the deal never reached {state}")
        return ObjectiveResult(o, False, f"the deal reached {state} at {_when(first)} ({first.event})")
    if first is None and trace.initial_state != state:
        return ObjectiveResult(o, False, f"the deal never reached {state}; it ended {trace.final_state}")
    if first is None:
        return ObjectiveResult(o, True, f"the deal starts {state}")
    if o.by is not None and first.at > o.by:
        return ObjectiveResult(o, False, f"the deal reached {state} at {_when(first)} ({first.event}), after {o.by:%d %b %H:%M}")
    return ObjectiveResult(o, True, f"the deal reached {state} at {_when(first)} ({first.event})")


def consequence(session: Session, inject: Inject, trace: Trace) -> str:
    """What the run would have been without this decision, the other decisions kept."""
    from .engine import Engine

    without = Engine(session.scenario(leave_out=inject.id)).run()
    if without.final_state != trace.final_state:
        return f"without it the deal would have ended {without.final_state}, not {trace.final_state}"
    if without.path != trace.path:
        return f"the deal took another path ({' > '.join(trace.path)}) but ended {trace.final_state} either way"
    moved = [
        (a, b)
        for a, b in zip(_entries(without), _entries(trace))
        if a != b
    ]
    if moved:
        (was, state), (now, _) = moved[0]
        return f"the deal took the same path, but reached {state} at {now:%d %b %H:%M} instead of {was:%d %b %H:%M}"
    others = {i.decision_event for i in session.exercise.injects}
    changed = [d for d in diff(without, trace) if d.event not in others]
    if changed:
        names = ", ".join(d.event for d in changed[:3]) + (", ..." if len(changed) > 3 else "")
        return f"the deal's path did not change, but {len(changed)} event(s) went differently: {names}"
    own = next((s for s in trace.steps if s.event == inject.decision_event), None)
    if own is not None and own.attempts and not own.fired:
        first = own.attempts[0]
        why = ", ".join(f"{b.party}.{b.condition}" if b.party else "its guard" for b in first.blocked_by)
        tried = f"was blocked by {why}" if first.valid else f"was not possible from {own.from_state}"
        return f"the step it tried ({first.trigger}) {tried}; nothing else changed"
    return "it changed nothing the run records"


def _injects(session: Session) -> tuple[InjectResult, ...]:
    done = session.done()
    out = []
    for inject in session.exercise.injects:
        action = done.get(inject.id)
        if action is None:
            out.append(InjectResult(inject, "not reached", None, "not reached" if inject.expected else ""))
            continue
        if action.kind == SKIP:
            out.append(InjectResult(inject, "skipped", None, "skipped by the facilitator" if inject.expected else ""))
            continue
        if action.kind == DELIVER:
            out.append(InjectResult(inject, "delivered", None, "delivered; discuss whether it was done" if inject.expected else ""))
            continue
        assert action.kind == DECIDE
        option = inject.options[action.option - 1]
        hoped = [o for o in inject.options if o.expected]
        if not hoped:
            verdict = f"chose {option.number}. {option.label}"
        elif option.expected:
            verdict = f"taken: chose {option.number}. {option.label}"
        else:
            verdict = f"not taken: chose {option.number}. {option.label}; hoped for " + " or ".join(
                f"{o.number}. {o.label}" for o in hoped
            )
        out.append(InjectResult(inject, "decided", option, verdict))
    return tuple(out)


def _entries(trace: Trace) -> list[tuple[object, str]]:
    return [(s.at, s.to_state) for s in trace.steps if s.to_state != s.from_state]


def _when(step) -> str:  # noqa: ANN001
    return f"{step.at:%d %b %H:%M}"

"""Counterfactual search: the smallest changes that let the deal reach a state.

A *change* is dropping one party condition (``--without PARTY.CONDITION``) or,
with levers, starting a lever fact at one of the values the scenario lists
for it. :func:`explain` finds every minimal set of changes (no proper subset
works) under which the replay reaches the target state, by a time if given.

The search does not try subsets blindly. It starts from the baseline run and
grows a set only by what the run it produced says matters:

* a step is blocked only while *all* of its failing conditions hold, so the
  search adds the whole set of conditions that blocked one attempt (per
  transition that could have fired) at once: dropping only some of them
  leaves the step blocked and the run unchanged;
* conditions that never blocked anything in a run cannot change that run,
  and are never added to it;
* a blocked transition whose destination is the state the event ended in
  anyway (through ``otherwise`` or another transition) is not worth
  unblocking: the run would go on from the same state with the same facts;
* each lever value is always a candidate, because a fact can change every
  later evaluation.

Sets are explored smallest first, and any set containing a set that already
works is pruned, so every set reported is minimal. Conversely every minimal
set M is reached: from any failing subset S of M, the run for S has a
blocked attempt whose blockers (or a lever) all lie in M, so a child of S
is still a subset of M. Each explored set costs one replay; the number of
replays grows with the number of distinct blocked attempts met along the way
and the number of lever values, not with 2^conditions.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime

from .engine import Engine
from .model import FactValue, Scenario, Transition
from .scenario import reachable_states
from .render.common import value as show_value
from .trace import Block, Trace
from .whatif import Op, SetFact, Without, apply


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """One change: drop the condition ``target`` ("drop"), or start lever fact ``target`` at ``value`` ("set")."""

    kind: str  # "drop" or "set"
    target: str  # "party.condition" or a fact id
    value: FactValue | None = None

    @property
    def label(self) -> str:
        if self.kind == "drop":
            return f"without {self.target}"
        return f"set {self.target}={show_value(self.value)}"

    def op(self) -> Op:
        if self.kind == "drop":
            party, _, cond = self.target.partition(".")
            return Without(party, cond)
        assert self.value is not None
        return SetFact(self.target, self.value)


@dataclass(frozen=True, slots=True)
class Solution:
    changes: tuple[Change, ...]
    trace: Trace
    reached_at: datetime | None  # None when the initial state is the target
    event: str | None


@dataclass(frozen=True, slots=True)
class Explanation:
    target: str
    by: datetime | None
    baseline: Trace
    solutions: tuple[Solution, ...]
    runs: int
    complete: bool  # False when a limit stopped the search early
    levers: bool
    max_size: int
    max_runs: int
    stopped_by_runs: bool  # the run limit (not the size limit) cut the search short


def reached(trace: Trace, target: str, by: datetime | None) -> tuple[bool, datetime | None, str | None]:
    """Whether ``trace`` enters ``target`` (by ``by``), and when and at which event."""
    if trace.initial_state == target:
        return True, None, None
    for s in trace.steps:
        if by is not None and s.at > by:
            break
        if s.to_state == target and s.from_state != target:
            return True, s.at, s.event
    return False, None, None


def explain(
    scenario: Scenario,
    target: str,
    by: datetime | None = None,
    *,
    levers: bool = False,
    max_size: int = 8,
    max_runs: int = 20_000,
    seed: int | None = None,
) -> Explanation:
    """Every minimal set of changes under which ``scenario`` reaches ``target``."""
    lever_changes = sorted(
        Change("set", f.id, v) for f in scenario.facts.values() if levers for v in f.levers if v != f.value
    )
    leads_to = {state: reachable_states(scenario.transitions, state) for state in scenario.states}
    candidates_by_trigger: dict[tuple[str, str], list[Transition]] = {}
    for t in scenario.transitions:
        # a transition after which the target can never be entered is no use firing
        if target in leads_to[t.dest]:
            for src in t.sources:
                candidates_by_trigger.setdefault((t.trigger, src), []).append(t)

    def run(changes: frozenset[Change]) -> Trace:
        ops = [c.op() for c in sorted(changes)]
        return Engine(apply(scenario, ops) if ops else scenario).run(seed)

    baseline = run(frozenset())
    solutions: list[Solution] = []
    heap: list[tuple[int, tuple[Change, ...]]] = [(0, ())]
    seen: set[frozenset[Change]] = {frozenset()}
    runs = 0
    complete = True
    stopped_by_runs = False
    too_big: list[frozenset[Change]] = []  # sets past max_size: the search is complete if each holds a solution
    while heap:
        size, key = heapq.heappop(heap)
        current = frozenset(key)
        if any(s.changes and set(s.changes) <= current for s in solutions):
            continue
        if runs >= max_runs:
            complete = False
            stopped_by_runs = True
            break
        trace = baseline if not key else run(current)
        runs += 1
        ok, at, event = reached(trace, target, by)
        if ok:
            solutions.append(Solution(key, trace, at, event))
            if not key:  # the baseline already reaches it: nothing needs to change
                break
            continue
        for child in _children(current, trace, by, candidates_by_trigger, lever_changes):
            if child in seen:
                continue
            seen.add(child)
            if len(child) > max_size:
                too_big.append(child)
                continue
            heapq.heappush(heap, (len(child), tuple(sorted(child))))
    found = [frozenset(s.changes) for s in solutions]
    if any(not any(f <= big for f in found) for big in too_big):
        complete = False
    solutions.sort(key=lambda s: (len(s.changes), s.changes))
    return Explanation(target, by, baseline, tuple(solutions), runs, complete, levers, max_size, max_runs, stopped_by_runs)


def _children(
    current: frozenset[Change],
    trace: Trace,
    by: datetime | None,
    candidates_by_trigger: dict[tuple[str, str], list[Transition]],
    lever_changes: list[Change],
) -> list[frozenset[Change]]:
    """The sets one step larger than ``current`` that could change its run for the better."""
    set_facts = {c.target for c in current if c.kind == "set"}
    out: list[frozenset[Change]] = []
    for step in trace.steps:
        if by is not None and step.at > by:
            break  # changing what happens after the deadline cannot help
        for attempt in step.attempts:
            blocks = attempt.blocked_by if not attempt.fired else attempt.passed_over
            if not blocks:
                continue
            for t in candidates_by_trigger.get((attempt.trigger, step.from_state), ()):
                if t.dest == step.to_state:
                    continue  # the event ends in that state anyway: firing t instead changes nothing
                drops = _drops_for(t, blocks)
                if drops:
                    out.append(current | drops)
    for lever in lever_changes:
        if lever.target not in set_facts:
            out.append(current | {lever})
    return out


def _drops_for(t: Transition, blocks: tuple[Block, ...]) -> frozenset[Change]:
    """The drops that would let transition ``t`` pass; empty when its own guard failed."""
    if t.when is not None and any(b.party is None and b.when == t.when.text for b in blocks):
        return frozenset()
    return frozenset(Change("drop", f"{b.party}.{b.condition}") for b in blocks if b.party in t.consent)


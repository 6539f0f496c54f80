"""Compare a baseline run with variant runs: where history forks, and why.

Steps are matched by event id (a variant may skip, add or move events). The
first difference is the first event, in time order, whose step differs: it
happens in one run only, happens at another time, or fires, blocks or lands
in another state. The conditions that made the difference are those that
blocked the step in one run and not in the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Engine
from .model import Scenario
from .trace import Block, Step, Trace


@dataclass(frozen=True, slots=True)
class Difference:
    event: str
    baseline: Step | None  # None when the event does not happen in the baseline
    variant: Step | None
    only_baseline: tuple[Block, ...]  # blocked the step in the baseline only
    only_variant: tuple[Block, ...]
    forks: bool  # the deal is in different states after this event

    @property
    def at(self):  # noqa: ANN201 - the earlier of the two times (an event may be retimed)
        return min(s.at for s in (self.baseline, self.variant) if s is not None)


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    title: str
    question: str
    trace: Trace


@dataclass(frozen=True, slots=True)
class Comparison:
    baseline: Run
    variant: Run
    first_difference: Difference | None  # None: the runs are the same step for step
    fork: Difference | None  # where the paths part; None: same states throughout

    @property
    def same_path(self) -> bool:
        return self.baseline.trace.path == self.variant.trace.path


def compare(baseline: Run, variants: list[Run]) -> list[Comparison]:
    """One Comparison of each variant run against the baseline run."""
    out = []
    for v in variants:
        differences = diff(baseline.trace, v.trace)
        first = differences[0] if differences else None
        fork = next((d for d in differences if d.forks), None)
        out.append(Comparison(baseline, v, first, fork))
    return out


def run_of(scenario: Scenario, id: str, title: str = "", question: str = "", seed: int | None = None) -> Run:  # noqa: A002
    return Run(id, title or scenario.title, question, Engine(scenario).run(seed))


def diff(a: Trace, b: Trace) -> list[Difference]:
    """Every event whose step differs between the two runs, in time order."""
    by_a = {s.event: s for s in a.steps}
    by_b = {s.event: s for s in b.steps}
    pos_a = {s.event: i for i, s in enumerate(a.steps)}
    pos_b = {s.event: i for i, s in enumerate(b.steps)}
    last = max(len(a.steps), len(b.steps))

    def key(event: str) -> tuple[object, int, int]:
        first = min(s.at for s in (by_a.get(event), by_b.get(event)) if s is not None)
        return (first, pos_a.get(event, last), pos_b.get(event, last))

    out = []
    state_a, state_b = a.initial_state, b.initial_state
    for event in sorted({*by_a, *by_b}, key=key):
        sa, sb = by_a.get(event), by_b.get(event)
        state_a = sa.to_state if sa else state_a
        state_b = sb.to_state if sb else state_b
        if sa is not None and sb is not None and _same(sa, sb):
            continue
        keys_a = {_key(x) for x in _blocks(sa)}
        keys_b = {_key(x) for x in _blocks(sb)}
        out.append(
            Difference(
                event,
                sa,
                sb,
                tuple(x for x in _blocks(sa) if _key(x) not in keys_b),
                tuple(x for x in _blocks(sb) if _key(x) not in keys_a),
                state_a != state_b,
            )
        )
    return out


def _same(a: Step, b: Step) -> bool:
    return (a.at, a.outcome, a.from_state, a.to_state, a.attempts, a.added, a.dropped, a.set) == (
        b.at,
        b.outcome,
        b.from_state,
        b.to_state,
        b.attempts,
        b.added,
        b.dropped,
        b.set,
    )


def _key(b: Block) -> tuple[str | None, str | None, str | None]:
    """A block's identity: the condition it names (its wording may differ between runs)."""
    return (b.party, b.condition, b.when if b.party is None else None)


def _blocks(step: Step | None) -> tuple[Block, ...]:
    if step is None:
        return ()
    return tuple(dict.fromkeys(b for a in step.attempts for b in (*a.blocked_by, *a.passed_over)))

"""The author's test: play every combination of choices and report what can happen.

The search walks the tree of decisions depth first. After each choice it
computes a *key*: the injects done, the situation at that time (state,
facts, conditions in force), the states visited so far with their times,
and every event still to come. Two choices with the same key have the same
future, so only the first is explored further (the runs *converge*); the
others count as branches that join it. From the explored tree come the
endings, the options that change nothing (every time they are offered,
they converge with an earlier option), the injects no branch reaches, and
the objectives no branch meets.
"""

from __future__ import annotations

from typing import NamedTuple

from .debrief import ObjectiveResult, evaluate
from .exercise import Exercise
from .session import DECIDE, DELIVER, Action, Session, situation_at
from .trace import Trace

MAX_RUNS = 20_000


class Branch(NamedTuple):
    choices: tuple[tuple[str, int], ...]  # (inject id, option number) along the way
    trace: Trace
    objectives: tuple[ObjectiveResult, ...]
    combinations: int  # how many combinations of choices end here (converged ones included)


class Report(NamedTuple):
    exercise: Exercise
    branches: tuple[Branch, ...]
    combinations: int
    runs: int
    dead_options: tuple[tuple[str, int, int], ...]  # (inject, option, the earlier option it always joins)
    unreached: tuple[str, ...]  # inject ids
    unmet: tuple[str, ...]  # objective ids
    stopped: bool  # MAX_RUNS was reached

    @property
    def ok(self) -> bool:
        return not (self.dead_options or self.unreached or self.unmet or self.stopped)


def check_exercise(exercise: Exercise, max_runs: int = MAX_RUNS) -> Report:
    """Play every combination of choices (all roles played); stop after ``max_runs`` runs."""
    from collections import Counter

    from .engine import Engine

    runs = 0
    stopped = False
    reached: set[str] = set()
    seen: dict[tuple, Counter[int]] = {}  # key -> leaves under it, with the number of paths to each
    branches: list[Branch] = []
    joined: dict[tuple[str, int], int | None] = {}  # option -> the earlier option it joined (None: it differed once)

    def run(session: Session) -> Trace:
        nonlocal runs
        runs += 1
        return Engine(session.scenario()).run()

    def key(session: Session, trace: Trace, at) -> tuple:  # noqa: ANN001
        s = situation_at(trace, session.exercise.scenario, at)
        history = tuple((st.at, st.to_state) for st in trace.steps if st.at <= at and st.from_state != st.to_state)
        future = tuple(
            (e.id, e.at, e.if_.text if e.if_ else None, e.set, e.add_conditions, e.drop_conditions, e.trigger, e.otherwise)
            for e in session.scenario().timeline
            if e.at > at
        )
        times = session.times()
        pending = tuple(sorted((i.id, times[i.id]) for i in session.exercise.injects if i.id not in session.done()))
        return (pending, s.state, tuple(sorted(s.facts.items())), tuple(sorted(s.active.items())), history, future)

    def explore(session: Session, trace: Trace, choices: tuple[tuple[str, int], ...]) -> Counter[int]:
        nonlocal stopped
        pos, _ = session.walk(trace)
        if pos is None:
            branches.append(Branch(choices, trace, tuple(evaluate(o, trace) for o in exercise.objectives), 1))
            return Counter({len(branches) - 1: 1})
        inject = pos.inject
        reached.add(inject.id)
        if not inject.options:
            return explore(session.add(Action(DELIVER, inject.id)), trace, choices)
        leaves: Counter[int] = Counter()
        keys: list[tuple] = []
        for option in inject.options:
            if runs >= max_runs:
                stopped = True
                break
            child = session.add(Action(DECIDE, inject.id, option.number, "check"))
            ctrace = run(child)
            k = key(child, ctrace, pos.at)
            mark = (inject.id, option.number)
            earlier = next((n for n, other in enumerate(keys, 1) if other == k), None)
            keys.append(k)
            if earlier is None:
                joined[mark] = None
            elif mark not in joined:
                joined[mark] = earlier
            if k not in seen:
                seen[k] = explore(child, ctrace, choices + (mark,))
            leaves.update(seen[k])
        return leaves

    start = Session(exercise, tuple(exercise.roles))
    paths = explore(start, run(start), ())
    order = {i.id: n for n, i in enumerate(exercise.injects)}
    dead = tuple(
        (iid, number, other)
        for (iid, number), other in sorted(joined.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
        if other is not None
    )
    unreached = tuple(i.id for i in exercise.injects if i.id not in reached)
    unmet = tuple(o.id for n, o in enumerate(exercise.objectives) if not any(b.objectives[n].met for b in branches))
    final = tuple(b._replace(combinations=paths[n]) for n, b in enumerate(branches))
    return Report(exercise, final, sum(paths.values()), runs, dead, unreached, unmet, stopped)

"""The fast path for sweeps: the same Engine, dispatching through a flat table.

A sweep runs a timeline hundreds of thousands of times, and there the cost
of ``transitions``' trigger machinery (an EventData per trigger, callback
lists, state lookups) dominates. The Machine stays the definition of the
deal: :func:`flat_table` reads its events, transitions and condition
callables once and lays them out as ``{(state, trigger): ((dest, condition),
...)}``, in the Machine's own order, and :class:`FastEngine` fires triggers
from that table with the same first-passing-transition rule.

``FastEngine.run`` produces full traces, and tests check they are identical
to the Machine's over many random scenarios and seeds. ``FastEngine.outcome``
is the sweep's loop: the same event semantics, recording only what a sweep
reports (the path with times, and the conditions that blocked a step).
"""

from __future__ import annotations

from typing import NamedTuple

from .engine import UNDEFINED, Engine, guard_failed
from .guards import GuardRuntimeError
from .model import Scenario
from .trace import Block

Table = dict[tuple[str, str], tuple[tuple[str, object], ...]]


def flat_table(machine) -> Table:  # noqa: ANN001 - a transitions Machine
    """``{(source, trigger): ((dest, condition), ...)}`` read from ``machine``.

    Only the shapes :class:`~negsim.engine.Engine` builds are accepted (one
    condition callable per transition, no callbacks), so the table cannot
    silently drift from what the Machine would do.
    """
    table: Table = {}
    for name, event in machine.events.items():
        for source, transitions in event.transitions.items():
            entries = []
            for t in transitions:
                extra = t.prepare or t.before or t.after or t.dest is None
                if extra or len(t.conditions) != 1 or not t.conditions[0].target or not callable(t.conditions[0].func):
                    raise ValueError(f"transition '{name}' from '{source}' has a shape the fast path does not copy")
                entries.append((t.dest, t.conditions[0].func))
            table[(source, name)] = tuple(entries)
    return table


class Played(NamedTuple):
    """One run's course, as a sweep keeps it (the same for every run with the same draws)."""

    path: tuple[str, ...]  # states, from the initial one
    steps: tuple[int, ...]  # for each state after the first, the timeline index of the event that reached it
    blocked: tuple[Block, ...]  # what blocked a step of this run, each once, in order of first blocking
    memo: bool  # kept in the engine's memo (so the same object comes back for the same draws)


class Outcome(NamedTuple):
    """A run's path with the time each state was reached."""

    path: tuple[str, ...]
    minutes: tuple[int, ...]  # minutes from the first event of the timeline; the initial state is at 0
    blocked: tuple[Block, ...]


MEMO_SIZE = 100_000  # distinct runs remembered per engine (a few hundred bytes each)


class FastEngine(Engine):
    """An Engine whose triggers fire through :func:`flat_table` instead of the Machine."""

    def __init__(self, scenario: Scenario):
        super().__init__(scenario)
        self._table = flat_table(self.machine)
        timeline = scenario.timeline
        first = timeline[0].at if timeline else None
        self._plan = tuple(
            (
                e.if_.fn if e.if_ else None,
                dict(e.set) if e.set else None,
                tuple(f"{pid}.{cid}" for pid, cid in e.add_conditions),
                tuple(f"{pid}.{cid}" for pid, cid in e.drop_conditions),
                e.trigger,
                e.otherwise,
            )
            for e in timeline
        )
        # each event's time in minutes from the first event (a run adds its shifts)
        self.minutes = tuple(int((e.at - first).total_seconds() // 60) for e in timeline) if first else ()
        self._memo: dict[tuple, Played] = {}  # type: ignore[type-arg]
        self._all = tuple(range(len(timeline)))
        self._always = (True,) * len(timeline)
        self._no_shift = (0,) * len(timeline)

    def _fire(self, trigger: str, state: str) -> str | None:
        entries = self._table.get((state, trigger))
        if entries is None:
            return UNDEFINED
        for dest, condition in entries:
            if condition():  # type: ignore[operator]
                return dest
        return None

    def play(self, seed: int | None = None) -> tuple[Played, tuple[int, ...]]:
        """One run: its course, and each timeline event's shift in minutes.

        A run's course depends only on what was drawn (facts, which events
        happened, their order), never on the exact minutes, and guards are
        pure; so the course of each distinct draw is computed once and
        remembered (up to MEMO_SIZE of them). Scenarios whose draws take few
        values, as most do, then cost one lookup per run.
        """
        if not self._uncertain:
            facts, happened, order, shifts = (), self._always, self._all, self._no_shift
        elif seed is None:
            raise self.needs_seed()
        else:
            facts, happened, order, shifts = self.sampler.parts(seed)
        key = (facts, happened, order)
        played = self._memo.get(key)
        if played is None:
            played = self._play(facts, happened, order, len(self._memo) < MEMO_SIZE)
            if played.memo:
                self._memo[key] = played
        return played, shifts

    def outcome(self, seed: int | None = None) -> Outcome:
        """One run's path, with times, and its blockers (``seed`` as for :meth:`run`)."""
        played, shifts = self.play(seed)
        at = self.minutes
        return Outcome(played.path, (0, *(at[i] + shifts[i] for i in played.steps)), played.blocked)

    def _play(self, facts: tuple, happened: tuple[bool, ...], order: tuple[int, ...], memo: bool) -> Played:  # type: ignore[type-arg]
        env = self._env
        env.clear()
        env.update(self._start_facts)
        env.update(facts)
        state = self.scenario.initial
        env["state"] = state
        active = self._active
        active.clear()
        active.update(self._start_active)
        fire, fails, plan = self._fire, self._fails, self._plan
        path = [state]
        steps = []
        blocked: dict[Block, None] = {}
        i = 0
        try:
            for i in order:
                if not happened[i]:
                    continue
                if_, sets, add, drop, trigger, otherwise = plan[i]
                if if_ is not None and not if_(env):
                    continue
                if sets is not None:
                    env.update(sets)
                if add:
                    active.update(add)
                if drop:
                    active.difference_update(drop)
                if trigger is None:
                    continue
                fails.clear()
                new = fire(trigger, state)
                if new is None:
                    blocked.update(dict.fromkeys(fails))
                if otherwise is not None and (new is None or new is UNDEFINED):
                    new = fire(otherwise, state)
                if new is not None and new is not UNDEFINED:
                    state = new
                    env["state"] = new
                    path.append(new)
                    steps.append(i)
        except GuardRuntimeError as exc:
            raise guard_failed(exc, self.scenario.timeline[i]) from None
        return Played(tuple(path), tuple(steps), tuple(blocked), memo)

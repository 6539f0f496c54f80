"""Run a scenario's timeline on a ``transitions`` state machine.

This is the only module that runs ``transitions`` (``diagram`` uses its
drawing extensions, and ``fast`` reads the Machine built here). An
:class:`Engine` builds one Machine per scenario and reuses it for every run. The Machine is
given compiled guard callables, never strings: ``transitions`` resolves
string callbacks as model attributes or dotted import paths, and scenario
text must never reach that.

Each transition gets one condition callable that checks the transition's own
guard and every active condition of every consenting party, without
stopping at the first failure, so a blocked step reports all of its reasons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import RunError
from .guards import GuardRuntimeError
from .model import Scenario, Transition
from .trace import ABSENT, BLOCKED, FIRED, INVALID, NOTED, OTHERWISE, SKIPPED, Attempt, Block, Step, Trace

if TYPE_CHECKING:
    from .sample import Sample, Sampler


UNDEFINED = "\0undefined"  # _fire: the trigger is not defined from this state (never a state id)


class _Model:
    """The object whose ``state`` the Machine moves; it has nothing else."""

    state: str


class Engine:
    """A scenario compiled onto a ``transitions`` Machine, ready to run many times.

    Everything that is the same from one run to the next is built here once:
    the Machine and its condition callables, the scenario's header fields, and
    the Attempts that carry no reasons (a fired trigger, or one not defined
    from the current state), which are immutable values. :meth:`run` then only
    drives the Machine and records what happened.

    Not thread-safe: each thread (or process) should build its own Engine.
    """

    def __init__(self, scenario: Scenario):
        from transitions import Machine

        from . import __version__

        self.scenario = scenario
        self._env: dict[str, object] = {}
        # the conditions in force, as "party.condition" refs (strings hash once; tuples every time)
        self._active: set[str] = set()
        self._fails: list[Block] = []
        self._start_facts = {fid: f.value for fid, f in scenario.facts.items()}
        self._uncertain = bool(scenario.uncertain)
        self._sampler: Sampler | None = None
        self._start_active = frozenset(c.ref for p in scenario.parties.values() for c in p.conditions.values() if c.active)
        self._model = _Model()
        self.machine = Machine(
            model=self._model,
            states=list(scenario.states),
            transitions=[
                {
                    "trigger": t.trigger,
                    "source": list(t.sources),
                    "dest": t.dest,
                    "conditions": [self._condition(t)],
                }
                for t in scenario.transitions
            ],
            initial=scenario.initial,
            auto_transitions=False,
            send_event=False,
        )
        self._events = {name: self.machine.events[name] for name in scenario.triggers}
        self._fired = {name: Attempt(name, True, True, ()) for name in scenario.triggers}
        self._undefined = {name: Attempt(name, False, False, ()) for name in scenario.triggers}
        self._header = {
            "negsim_version": __version__,
            "scenario": scenario.id,
            "title": scenario.title,
            "scenario_sha256": scenario.sha256,
            "utc_offset": scenario.utc_offset,
            "applied": scenario.applied,
            "initial_state": scenario.initial,
        }

    def _condition(self, t: Transition):  # noqa: ANN202 - a closure handed to transitions
        env, fails, active = self._env, self._fails, self._active
        guard = t.when.fn if t.when else None
        guard_block = Block(None, None, t.text or f"the guard of transition '{t.trigger}'", t.when.text) if t.when else None
        # (the party's set of active condition ids, condition id, its guard, why it blocks)
        checks = tuple(
            (cond.ref, cond.when.fn, Block(pid, cid, cond.text, cond.when.text))
            for pid in t.consent
            for cid, cond in self.scenario.parties[pid].conditions.items()
        )

        def condition() -> bool:
            ok = True
            if guard is not None and not guard(env):
                fails.append(guard_block)  # type: ignore[arg-type]
                ok = False
            for ref, when, block in checks:
                if ref in active and not when(env):
                    fails.append(block)
                    ok = False
            return ok

        return condition

    @property
    def sampler(self) -> Sampler:
        """Draws runs of an uncertain scenario (built on first use)."""
        if self._sampler is None:
            from .sample import Sampler

            self._sampler = Sampler(self.scenario)
        return self._sampler

    def needs_seed(self) -> RunError:
        return RunError(f"scenario '{self.scenario.id}' has uncertain parts; give a seed to replay one sampled run")

    def run(self, seed: int | None = None, *, sample: Sample | None = None) -> Trace:
        """Replay the whole timeline once.

        A scenario with uncertainty (``p``, ``jitter``, ``draw``) needs a
        ``seed`` (or a ready ``sample``), which fixes what is drawn; for one
        without, the seed is only recorded in the trace.
        """
        sc = self.scenario
        if sample is None and self._uncertain:
            if seed is None:
                raise self.needs_seed()
            sample = self.sampler.draw(seed)
        env = self._env
        env.clear()
        env.update(self._start_facts)
        if sample is not None:
            env.update(sample.facts)
            seed = sample.seed
        env["state"] = sc.initial
        self._active.clear()
        self._active.update(self._start_active)
        self.machine.set_state(sc.initial, model=self._model)
        path = [sc.initial]
        steps = []
        event = None
        timeline = sc.timeline
        try:
            if sample is None:
                for event in timeline:
                    steps.append(self._step(event, path, event.at))
            else:
                for i in sample.order:
                    event = timeline[i]
                    at = sample.at(sc, i)
                    if sample.happened[i]:
                        steps.append(self._step(event, path, at))
                    else:
                        steps.append(Step(at, event.id, event.text, ABSENT, path[-1], path[-1], (), (), (), (), event.cite))
        except GuardRuntimeError as exc:
            raise guard_failed(exc, event) from None
        return Trace(
            **self._header,  # type: ignore[arg-type]
            final_state=path[-1],
            path=tuple(path),
            steps=tuple(steps),
            facts=tuple([(fid, env[fid]) for fid in self._start_facts]),  # type: ignore[misc]
            seed=seed,
            drawn=sample.facts if sample is not None else (),
        )

    def _step(self, ev, path: list[str], at) -> Step:  # noqa: ANN001
        env = self._env
        before = path[-1]
        if_ = ev.if_
        if if_ is not None and not if_.fn(env):
            return Step(at, ev.id, ev.text, SKIPPED, before, before, (), (), (), (), ev.cite)
        for fid, value in ev.set:
            env[fid] = value
        added: tuple[str, ...] = ()
        dropped: tuple[str, ...] = ()
        if ev.add_conditions or ev.drop_conditions:
            added, dropped = self._change_conditions(ev)
        attempts: tuple[Attempt, ...] = ()
        outcome = NOTED
        if ev.trigger is not None:
            first = self._try(ev.trigger, path)
            attempts = (first,)
            if first.fired:
                outcome = FIRED
            else:
                outcome = BLOCKED if first.valid else INVALID
                if ev.otherwise is not None:
                    second = self._try(ev.otherwise, path)
                    attempts = (first, second)
                    if second.fired:
                        outcome = OTHERWISE
        return Step(at, ev.id, ev.text, outcome, before, path[-1], attempts, ev.set, added, dropped, ev.cite)

    def _change_conditions(self, ev) -> tuple[tuple[str, ...], tuple[str, ...]]:  # noqa: ANN001
        active = self._active
        added = []
        for pid, cid in ev.add_conditions:
            ref = f"{pid}.{cid}"
            if ref not in active:
                active.add(ref)
                added.append(ref)
        dropped = []
        for pid, cid in ev.drop_conditions:
            ref = f"{pid}.{cid}"
            if ref in active:
                active.discard(ref)
                dropped.append(ref)
        return tuple(added), tuple(dropped)

    def _try(self, trigger: str, path: list[str]) -> Attempt:
        fails = self._fails
        fails.clear()
        new = self._fire(trigger, path[-1])
        if new is UNDEFINED:
            return self._undefined[trigger]
        if new is not None:
            self._env["state"] = new
            path.append(new)
            if fails:  # an earlier transition for this trigger was blocked before this one fired
                return Attempt(trigger, True, True, (), tuple(dict.fromkeys(fails)))
            return self._fired[trigger]
        # one reason needs no de-duplication (the common case, on the hot path of explain and sweeps)
        return Attempt(trigger, True, False, tuple(fails) if len(fails) < 2 else tuple(dict.fromkeys(fails)))

    def _fire(self, trigger: str, state: str) -> str | None:
        """Fire ``trigger`` from ``state`` on the Machine: the new state, None if blocked, or UNDEFINED."""
        event = self._events[trigger]
        if state not in event.transitions:
            return UNDEFINED
        if event.trigger(self._model):
            return self._model.state
        return None


def guard_failed(exc: GuardRuntimeError, event) -> RunError:  # noqa: ANN001
    """The error for a guard that failed while running ``event``."""
    where = f"{event.loc}: " if event is not None else ""
    return RunError(f"{where}{exc} while running event '{event.id if event else '?'}'")


def replay(scenario: Scenario, seed: int | None = None) -> Trace:
    """Run ``scenario``'s timeline once and return its trace (``seed``: see :meth:`Engine.run`)."""
    return Engine(scenario).run(seed)

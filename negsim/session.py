"""A play session as a value: the actions taken so far, and all that follows from them.

A :class:`Session` is an exercise, the roles played at this terminal and the
list of actions taken at its prompts (decide, deliver, skip, fire). Everything
else (the scenario with the decisions' effects, its trace, the next inject
and the situation at that time) is computed from them, so undo is dropping
the last action, and saving a session is writing its actions as JSON.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from .errors import Loc, Problem, ScenarioError, known_names
from .exercise import Exercise, Inject, Option, effect_ops
from .model import FactValue, Scenario
from .trace import Trace

SESSION_FORMAT = 1
DECIDE, DELIVER, SKIP, FIRE = "decide", "deliver", "skip", "fire"


class Action(NamedTuple):
    """One thing done at a prompt."""

    kind: str  # decide, deliver, skip or fire
    inject: str
    option: int = 0  # decide: the option's number
    by: str = ""  # decide: "player", "answers" or "default" (a role nobody plays)
    at: datetime | None = None  # fire: the time the inject is brought to


class Situation(NamedTuple):
    """The deal at one moment of a run."""

    at: datetime
    state: str
    facts: dict[str, FactValue]
    active: dict[str, tuple[str, ...]]  # party -> active condition ids, in declaration order


class Position(NamedTuple):
    """The inject a session has come to, and the situation when it comes."""

    inject: Inject
    at: datetime
    situation: Situation


class Session(NamedTuple):
    exercise: Exercise
    roles: tuple[str, ...]  # the roles played at this terminal
    actions: tuple[Action, ...] = ()

    def add(self, action: Action) -> Session:
        return self._replace(actions=self.actions + (action,))

    def undo(self) -> Session:
        """The session without its last action (unchanged when there is none)."""
        return self._replace(actions=self.actions[:-1])

    def times(self) -> dict[str, datetime]:
        """When each inject comes: its own time, or the time it was fired at."""
        out = {i.id: i.at for i in self.exercise.injects}
        for a in self.actions:
            if a.kind == FIRE and a.at is not None:
                out[a.inject] = a.at
        return out

    def done(self) -> dict[str, Action]:
        return {a.inject: a for a in self.actions if a.kind in (DECIDE, DELIVER, SKIP)}

    def decisions(self) -> list[tuple[Inject, Option, datetime, Action]]:
        times = self.times()
        out = []
        for a in self.actions:
            if a.kind == DECIDE:
                inject = self.exercise.inject(a.inject)
                assert inject is not None
                out.append((inject, inject.options[a.option - 1], times[a.inject], a))
        return out

    def scenario(self, leave_out: str | None = None) -> Scenario:
        """The exercise's scenario with every decision's effects (but ``leave_out``'s) applied."""
        from .whatif import apply

        sc = self.exercise.scenario
        for inject, option, at, _ in self.decisions():
            if inject.id != leave_out:
                sc = apply(sc, effect_ops(inject, option, at), prefix=f"inject {inject.id} option {option.number}: ")
        return sc

    def run(self) -> Trace:
        from .engine import Engine

        return Engine(self.scenario()).run()

    def position(self, trace: Trace | None = None) -> Position | None:
        """The next inject to play (None when the exercise is over)."""
        return self.walk(trace)[0]

    def walk(self, trace: Trace | None = None) -> tuple[Position | None, list[str]]:
        """The next inject, and the injects passed over on the way because their 'if' did not hold."""
        trace = trace if trace is not None else self.run()
        sc = self.exercise.scenario  # decisions never change starting facts or parties' conditions
        times = self.times()
        fired = {a.inject for a in self.actions if a.kind == FIRE}
        done = self.done()
        order = {i.id: n for n, i in enumerate(self.exercise.injects)}
        pending = sorted(
            (i for i in self.exercise.injects if i.id not in done),
            key=lambda i: (times[i.id], 0 if i.id in fired else 1, order[i.id]),
        )
        passed = []
        for inject in pending:
            at = times[inject.id]
            situation = situation_at(trace, sc, at)
            if inject.if_ is None or inject.if_.fn({**situation.facts, "state": situation.state}):
                return Position(inject, at, situation), passed
            passed.append(inject.id)
        return None, passed

    # --- saving and resuming --------------------------------------------------
    def to_json(self) -> str:
        data = {
            "negsim_session": SESSION_FORMAT,
            "exercise": self.exercise.id,
            "exercise_sha256": self.exercise.sha256,
            "roles": list(self.roles),
            "actions": [action_dict(a) for a in self.actions],
        }
        return json.dumps(data, indent=2, ensure_ascii=True) + "\n"


def action_dict(a: Action) -> dict[str, object]:
    return {
        "kind": a.kind,
        "inject": a.inject,
        "option": a.option or None,
        "by": a.by or None,
        "at": a.at.isoformat() if a.at else None,
    }


def situation_at(trace: Trace, sc: Scenario, at: datetime) -> Situation:
    """The state, facts and active conditions after every event up to ``at`` (included)."""
    facts = {fid: f.value for fid, f in sc.facts.items()}
    active = {pid: {cid for cid, c in p.conditions.items() if c.active} for pid, p in sc.parties.items()}
    state = trace.initial_state
    for step in trace.steps:
        if step.at > at:
            break
        facts.update(step.set)
        for ref in step.added:
            party, _, cid = ref.partition(".")
            active[party].add(cid)
        for ref in step.dropped:
            party, _, cid = ref.partition(".")
            active[party].discard(cid)
        state = step.to_state
    ordered = {pid: tuple(cid for cid in sc.parties[pid].conditions if cid in ids) for pid, ids in active.items()}
    return Situation(at, state, facts, ordered)


def resume(exercise: Exercise, path: str) -> Session:
    """The session saved at ``path`` (raises ScenarioError when it does not fit ``exercise``)."""
    from . import yamlsource

    text = yamlsource.read_text(path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise ScenarioError([Problem(Loc(path, line, col), f"not a saved session: {getattr(exc, 'msg', exc)}")]) from None
    loc = Loc(path)
    if not isinstance(data, dict) or data.get("negsim_session") != SESSION_FORMAT:
        raise ScenarioError([Problem(loc, "not a saved negsim session (it has no 'negsim_session': 1)")])
    if data.get("exercise") != exercise.id:
        raise ScenarioError([Problem(loc, f"this session is of exercise '{data.get('exercise')}', not '{exercise.id}'")])
    if data.get("exercise_sha256") != exercise.sha256:
        raise ScenarioError([Problem(loc, f"exercise '{exercise.id}' has changed since this session was saved; its decisions may no longer fit")])
    roles = data.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) and r in exercise.roles for r in roles):
        known = ", ".join(exercise.roles)
        raise ScenarioError([Problem(loc, f"the session's roles {json.dumps(roles)} are not roles of this exercise (roles: {known})")])
    session = Session(exercise, tuple(roles))
    raw = data.get("actions")
    if not isinstance(raw, list):
        raise ScenarioError([Problem(loc, "the session has no list of actions")])
    for n, item in enumerate(raw, 1):
        session = _replay_action(session, item, Loc(path), n)
    return session


def _replay_action(session: Session, item: object, loc: Loc, n: int) -> Session:
    def bad(message: str) -> ScenarioError:
        return ScenarioError([Problem(loc, f"action {n}: {message}")])

    if not isinstance(item, dict) or item.get("kind") not in (DECIDE, DELIVER, SKIP, FIRE):
        raise bad("not an action (kind decide, deliver, skip or fire)")
    ids = [i.id for i in session.exercise.injects]
    inject = session.exercise.inject(str(item.get("inject")))
    if inject is None:
        raise bad(f"unknown inject '{item.get('inject')}'{known_names(str(item.get('inject')), ids, 'injects')}")
    kind = item["kind"]
    if kind == FIRE:
        try:
            at = datetime.fromisoformat(str(item.get("at")))
        except ValueError:
            raise bad(f"fire needs the time it was fired at, not {json.dumps(item.get('at'))}") from None
        return session.add(Action(FIRE, inject.id, at=at))
    pos = session.position()
    if pos is None or pos.inject.id != inject.id:
        raise bad(f"inject '{inject.id}' is not the next one in this session")
    if kind == DECIDE:
        option = item.get("option")
        if not isinstance(option, int) or isinstance(option, bool) or not 1 <= option <= len(inject.options):
            raise bad(f"inject '{inject.id}' has no option {json.dumps(option)}; options are 1 to {len(inject.options)}")
        return session.add(Action(DECIDE, inject.id, option, str(item.get("by") or "player")))
    return session.add(Action(kind, inject.id))

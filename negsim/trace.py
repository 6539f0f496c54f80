"""A run is a value: the immutable Trace of one pass over a timeline.

Traces, steps and their parts are NamedTuples: immutable values that are
cheap to create (a replay makes one Step per timeline event, and a sweep
makes millions) and cheap to define at start-up.

:func:`to_dict` gives the documented JSON shape (see docs/reference/trace-json.md);
keys come out in a fixed order so that the same run always serialises to the
same bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from .model import FactValue

# outcomes of one timeline event
FIRED = "fired"  # its trigger fired
BLOCKED = "blocked"  # its trigger was valid but a condition or guard failed
INVALID = "invalid"  # its trigger is not valid from the current state
OTHERWISE = "otherwise"  # its trigger could not fire, the 'otherwise' trigger did
SKIPPED = "skipped"  # its 'if' did not hold, so it did not happen
NOTED = "noted"  # it happened but tries no trigger (facts or conditions changed)
ABSENT = "absent"  # an uncertain event ('p') that did not happen in this sampled run


class Block(NamedTuple):
    """One reason a trigger could not fire."""

    party: str | None  # None for the transition's own guard
    condition: str | None
    text: str
    when: str


class Attempt(NamedTuple):
    """One trigger tried during an event."""

    trigger: str
    valid: bool  # the trigger is defined from the state it was tried in
    fired: bool
    blocked_by: tuple[Block, ...]
    # when it fired through a later transition, what blocked the earlier ones
    passed_over: tuple[Block, ...] = ()


class Step(NamedTuple):
    """What one timeline event did: its outcome, the state before and after, the attempts."""

    at: datetime
    event: str
    text: str
    outcome: str
    from_state: str
    to_state: str
    attempts: tuple[Attempt, ...]
    set: tuple[tuple[str, FactValue], ...]
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    cite: tuple[str, ...]

    @property
    def trigger(self) -> str | None:
        return self.attempts[0].trigger if self.attempts else None

    @property
    def fired(self) -> bool:
        return bool(self.attempts) and self.attempts[0].fired

    @property
    def blocked_by(self) -> tuple[Block, ...]:
        return self.attempts[0].blocked_by if self.attempts else ()

    @property
    def otherwise(self) -> Attempt | None:
        return self.attempts[1] if len(self.attempts) > 1 else None


class Trace(NamedTuple):
    """One whole run of a scenario's timeline."""

    negsim_version: str
    scenario: str
    title: str
    scenario_sha256: str
    utc_offset: str
    applied: tuple[str, ...]
    initial_state: str
    final_state: str
    path: tuple[str, ...]
    steps: tuple[Step, ...]
    facts: tuple[tuple[str, FactValue], ...]
    seed: int | None = None
    drawn: tuple[tuple[str, FactValue], ...] = ()  # starting values drawn for this run (uncertain scenarios)


def block_dict(b: Block) -> dict[str, object]:
    return {"party": b.party, "condition": b.condition, "text": b.text, "when": b.when}


def _attempt(a: Attempt | None) -> dict[str, object] | None:
    if a is None:
        return None
    return {
        "trigger": a.trigger,
        "valid": a.valid,
        "fired": a.fired,
        "blocked_by": [block_dict(b) for b in a.blocked_by],
        "passed_over": [block_dict(b) for b in a.passed_over],
    }


def step_dict(s: Step) -> dict[str, object]:
    return {
        "at": s.at.isoformat(),
        "event": s.event,
        "text": s.text,
        "outcome": s.outcome,
        "trigger": s.trigger,
        "from": s.from_state,
        "to": s.to_state,
        "fired": s.fired,
        "valid": s.attempts[0].valid if s.attempts else None,
        "blocked_by": [block_dict(b) for b in s.blocked_by],
        "passed_over": [block_dict(b) for b in s.attempts[0].passed_over] if s.attempts else [],
        "otherwise": _attempt(s.otherwise),
        "set": dict(s.set),
        "added_conditions": list(s.added),
        "dropped_conditions": list(s.dropped),
        "cite": list(s.cite),
    }


def to_dict(trace: Trace) -> dict[str, object]:
    """The trace as plain JSON-ready data, keys in documented order."""
    return {
        "negsim_version": trace.negsim_version,
        "scenario": trace.scenario,
        "title": trace.title,
        "scenario_sha256": trace.scenario_sha256,
        "utc_offset": trace.utc_offset,
        "whatifs": list(trace.applied),
        "seed": trace.seed,
        "drawn": dict(trace.drawn),
        "initial_state": trace.initial_state,
        "final_state": trace.final_state,
        "path": list(trace.path),
        "steps": [step_dict(s) for s in trace.steps],
        "facts": dict(trace.facts),
    }


def to_json(trace: Trace) -> str:
    """The trace as JSON text (ASCII-only, two-space indent, ends with a newline)."""
    import json

    return json.dumps(to_dict(trace), indent=2, ensure_ascii=True) + "\n"

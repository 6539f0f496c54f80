"""A run is a value: the immutable Trace of one pass over a timeline.

:func:`to_dict` gives the documented JSON shape (see docs/reference/trace-json.md);
keys come out in a fixed order so that the same run always serialises to the
same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import FactValue

# outcomes of one timeline event
FIRED = "fired"  # its trigger fired
BLOCKED = "blocked"  # its trigger was valid but a condition or guard failed
INVALID = "invalid"  # its trigger is not valid from the current state
OTHERWISE = "otherwise"  # its trigger could not fire, the 'otherwise' trigger did
SKIPPED = "skipped"  # its 'if' did not hold, so it did not happen
NOTED = "noted"  # it happened but tries no trigger (facts or conditions changed)


@dataclass(frozen=True, slots=True)
class Block:
    """One reason a trigger could not fire."""

    party: str | None  # None for the transition's own guard
    condition: str | None
    text: str
    when: str


@dataclass(frozen=True, slots=True)
class Attempt:
    """One trigger tried during an event."""

    trigger: str
    valid: bool  # the trigger is defined from the state it was tried in
    fired: bool
    blocked_by: tuple[Block, ...]
    # when it fired through a later transition, what blocked the earlier ones
    passed_over: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
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


class _StepShell:
    """Step's slots without Step's frozen ``__setattr__``; see :func:`new_step`."""

    __slots__ = Step.__slots__


def new_step(at, event, text, outcome, from_state, to_state, attempts, set, added, dropped, cite) -> Step:  # noqa: A002, ANN001
    """``Step(...)`` for the engine's loop, about four times faster.

    A frozen dataclass's ``__init__`` stores every field through
    ``object.__setattr__``; with eleven fields and one Step per timeline
    event, that was the largest part of negsim's own cost in a replay. Here
    the fields are stored by plain assignment on a twin class with the same
    slots, which then becomes a Step (CPython allows ``__class__`` assignment
    between classes of identical layout). The result is an ordinary frozen
    Step, equal to ``Step(...)`` with the same arguments.
    """
    s = _StepShell()
    s.at = at
    s.event = event
    s.text = text
    s.outcome = outcome
    s.from_state = from_state
    s.to_state = to_state
    s.attempts = attempts
    s.set = set
    s.added = added
    s.dropped = dropped
    s.cite = cite
    s.__class__ = Step  # type: ignore[assignment]
    return s  # type: ignore[return-value]


try:  # fall back to the plain constructor wherever the shortcut does not hold
    _probe = tuple(range(len(Step.__slots__)))
    if new_step(*_probe) != Step(*_probe):
        raise TypeError("new_step does not match Step's fields")
except TypeError:  # pragma: no cover - another interpreter, or Step changed without new_step
    new_step = Step  # type: ignore[assignment]  # noqa: F811


@dataclass(frozen=True, slots=True)
class Trace:
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


def _block(b: Block) -> dict[str, object]:
    return {"party": b.party, "condition": b.condition, "text": b.text, "when": b.when}


def _attempt(a: Attempt | None) -> dict[str, object] | None:
    if a is None:
        return None
    return {
        "trigger": a.trigger,
        "valid": a.valid,
        "fired": a.fired,
        "blocked_by": [_block(b) for b in a.blocked_by],
        "passed_over": [_block(b) for b in a.passed_over],
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
        "blocked_by": [_block(b) for b in s.blocked_by],
        "passed_over": [_block(b) for b in s.attempts[0].passed_over] if s.attempts else [],
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
        "initial_state": trace.initial_state,
        "final_state": trace.final_state,
        "path": list(trace.path),
        "steps": [step_dict(s) for s in trace.steps],
        "facts": dict(trace.facts),
    }


def to_json(trace: Trace) -> str:
    """The trace as JSON text (ASCII-only, two-space indent, ends with a newline).

    The same text as ``json.dumps(to_dict(trace), indent=2, ensure_ascii=True)``,
    written by :func:`_dump` below: the ``json`` package takes longer to import
    than the whole replay of a small scenario, and ``negsim replay --format
    json`` is often started many times from a script.
    """
    out: list[str] = []
    _dump(to_dict(trace), out, "\n")
    out.append("\n")
    return "".join(out)


try:  # the C function the json package itself uses, without importing the package
    from _json import encode_basestring_ascii as _quote
except ImportError:  # pragma: no cover - an interpreter without the accelerator
    from json.encoder import encode_basestring_ascii as _quote


def _dump(value: object, out: list[str], nl: str) -> None:
    """Append ``value`` as JSON to ``out``, as json.dumps(indent=2, ensure_ascii=True) does.

    ``nl`` is the newline and indentation of the line ``value`` is on. Types
    are tested in json's own order (so a bool is never written as an int).
    """
    if isinstance(value, str):
        out.append(_quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for item in value:
            out.append(sep)
            _dump(item, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for key, item in value.items():
            out.append(sep)
            out.append(_quote(_key(key)))
            out.append(": ")
            _dump(item, out, inner)
            sep = "," + inner
        out.append(nl + "}")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(x: float) -> str:
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


def _key(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")

"""What-ifs: small, pure changes from one scenario to another.

Each operation is a frozen value; :func:`apply` returns a new scenario and
never touches the one it was given, and records a label for each operation
in ``Scenario.applied`` so that a trace explains which world it comes from.
The command-line options (``--set``, ``--without``, ``--skip``) and variant
files (:mod:`negsim.variant`) both produce these operations, so the same
change gives the same trace however it was stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .errors import Loc, NegsimError, UsageError, known_names
from .model import Condition, Draw, Event, FactValue, FrozenMap, Scenario, format_minutes
from .scenario import coerce


class WhatIfError(NegsimError):
    """A what-if that does not fit the scenario it is applied to."""


@dataclass(frozen=True, slots=True)
class SetFact:
    """Start the run with ``fact`` set to ``value``."""

    fact: str
    value: FactValue
    origin: Loc | None = None

    @property
    def label(self) -> str:
        from .render.common import value

        return f"set {self.fact}={value(self.value)}"


@dataclass(frozen=True, slots=True)
class Without:
    """Drop one condition (``condition`` set) or all of a party's conditions."""

    party: str
    condition: str | None = None
    origin: Loc | None = None

    @property
    def label(self) -> str:
        return f"without {self.party}.{self.condition}" if self.condition else f"without {self.party}"


@dataclass(frozen=True, slots=True)
class Skip:
    """Remove a timeline event."""

    event: str
    origin: Loc | None = None

    @property
    def label(self) -> str:
        return f"skip {self.event}"


@dataclass(frozen=True, slots=True)
class Retime:
    """Move an event to another time (the timeline is re-sorted, stably)."""

    event: str
    at: datetime
    origin: Loc | None = None

    @property
    def label(self) -> str:
        return f"retime {self.event} to {self.at:%Y-%m-%dT%H:%M}"


@dataclass(frozen=True, slots=True)
class PutEvent:
    """Add an event, or replace the event with the same id."""

    event: Event
    origin: Loc | None = None

    @property
    def label(self) -> str:
        return f"event {self.event.id} at {self.event.at:%Y-%m-%dT%H:%M}"


@dataclass(frozen=True, slots=True)
class PutCondition:
    """Add a condition to a party, or change the one with the same id."""

    condition: Condition
    origin: Loc | None = None

    @property
    def label(self) -> str:
        return f"condition {self.condition.ref}: {self.condition.when.text}"


@dataclass(frozen=True, slots=True)
class DrawFact:
    """Draw a fact's starting value afresh in each run."""

    fact: str
    draw: Draw
    origin: Loc | None = None

    @property
    def label(self) -> str:
        return f"draw {self.fact}: {self.draw.describe()}"


@dataclass(frozen=True, slots=True)
class Chance:
    """Make an event uncertain: the chance it happens (``p``), how far its time may move (``jitter``, minutes)."""

    event: str
    p: float | None = None
    jitter: int | None = None
    origin: Loc | None = None

    @property
    def label(self) -> str:
        parts = ([f"p={self.p:g}"] if self.p is not None else []) + (
            [f"jitter={format_minutes(self.jitter)}"] if self.jitter is not None else []
        )
        return f"chance {self.event} " + " ".join(parts)


Op = SetFact | Without | Skip | Retime | PutEvent | PutCondition | DrawFact | Chance


def apply(scenario: Scenario, ops: list[Op] | tuple[Op, ...], prefix: str = "") -> Scenario:
    """``scenario`` with ``ops`` applied in order (raises WhatIfError when one does not fit)."""
    for op in ops:
        scenario = _apply_one(scenario, op)
        label = f"{prefix}{op.label}"
        scenario = scenario._replace(applied=scenario.applied + (label,))
    return scenario


def _fail(op: Op, message: str) -> WhatIfError:
    return WhatIfError(f"{op.origin}: {message}" if op.origin else message)


def _apply_one(sc: Scenario, op: Op) -> Scenario:
    if isinstance(op, SetFact):
        fact = sc.facts.get(op.fact)
        if fact is None:
            raise _fail(op, f"unknown fact '{op.fact}'{known_names(op.fact, sc.facts, 'facts')}")
        value = coerce(op.value, fact.type)
        if value is None:
            raise _fail(op, f"'{op.fact}' is {'an' if fact.type[0] == 'i' else 'a'} {fact.type} fact; {op.value!r} does not fit")
        facts = dict(sc.facts)
        facts[op.fact] = fact._replace(value=value, draw=None)  # a fact set is no longer drawn
        return sc._replace(facts=FrozenMap(facts))

    if isinstance(op, DrawFact):
        fact = sc.facts.get(op.fact)
        if fact is None:
            raise _fail(op, f"unknown fact '{op.fact}'{known_names(op.fact, sc.facts, 'facts')}")
        facts = dict(sc.facts)
        facts[op.fact] = fact._replace(draw=op.draw)
        return sc._replace(facts=FrozenMap(facts))

    if isinstance(op, Chance):
        _event(sc, op, op.event)
        timeline = tuple(
            e._replace(p=op.p if op.p is not None else e.p, jitter=op.jitter if op.jitter is not None else e.jitter)
            if e.id == op.event
            else e
            for e in sc.timeline
        )
        return sc._replace(timeline=timeline)

    if isinstance(op, Without):
        party = sc.parties.get(op.party)
        if party is None:
            raise _fail(op, f"unknown party '{op.party}'{known_names(op.party, sc.parties, 'parties')}")
        if op.condition is not None and op.condition not in party.conditions:
            raise _fail(
                op,
                f"party '{op.party}' has no condition '{op.condition}'{known_names(op.condition, party.conditions, 'conditions')}",
            )
        gone = set(party.conditions) if op.condition is None else {op.condition}
        kept = FrozenMap({cid: c for cid, c in party.conditions.items() if cid not in gone})
        parties = dict(sc.parties)
        parties[op.party] = party._replace(conditions=kept)

        def keep(ref: tuple[str, str]) -> bool:
            return not (ref[0] == op.party and ref[1] in gone)

        timeline = tuple(
            e._replace(
                add_conditions=tuple(filter(keep, e.add_conditions)),
                drop_conditions=tuple(filter(keep, e.drop_conditions)),
            )
            for e in sc.timeline
        )
        return sc._replace(parties=FrozenMap(parties), timeline=timeline)

    if isinstance(op, Skip):
        _event(sc, op, op.event)
        return sc._replace(timeline=tuple(e for e in sc.timeline if e.id != op.event))

    if isinstance(op, Retime):
        _event(sc, op, op.event)
        moved = [e._replace(at=op.at) if e.id == op.event else e for e in sc.timeline]
        return sc._replace(timeline=_sorted(moved))

    if isinstance(op, PutEvent):
        _check_event_refs(sc, op)
        others = [e for e in sc.timeline if e.id != op.event.id]
        if len(others) == len(sc.timeline):
            timeline = [*others, op.event]
        else:
            timeline = [op.event if e.id == op.event.id else e for e in sc.timeline]
        return sc._replace(timeline=_sorted(timeline))

    if isinstance(op, PutCondition):
        cond = op.condition
        party = sc.parties.get(cond.party)
        if party is None:
            raise _fail(op, f"unknown party '{cond.party}'{known_names(cond.party, sc.parties, 'parties')}")
        conditions = dict(party.conditions)
        conditions[cond.id] = cond
        parties = dict(sc.parties)
        parties[cond.party] = party._replace(conditions=FrozenMap(conditions))
        return sc._replace(parties=FrozenMap(parties))

    raise TypeError(f"not a what-if operation: {op!r}")  # pragma: no cover


def _sorted(events: list[Event]) -> tuple[Event, ...]:
    return tuple(sorted(events, key=lambda e: e.at))


def _event(sc: Scenario, op: Op, event_id: str) -> Event:
    for e in sc.timeline:
        if e.id == event_id:
            return e
    raise _fail(op, f"unknown event '{event_id}'{known_names(event_id, [e.id for e in sc.timeline], 'events')}")


def _check_event_refs(sc: Scenario, op: PutEvent) -> None:
    """An added event may only name what the scenario (as changed so far) has."""
    e = op.event
    for pid, cid in e.add_conditions + e.drop_conditions:
        party = sc.parties.get(pid)
        if party is None or cid not in party.conditions:
            raise _fail(op, f"event '{e.id}' names unknown condition '{pid}.{cid}'")
    for fid, _ in e.set:
        if fid not in sc.facts:
            raise _fail(op, f"event '{e.id}' sets unknown fact '{fid}'")


# --- the command-line forms ----------------------------------------------------


def parse_set(text: str, sc: Scenario, option: str = "--set") -> SetFact:
    """``FACT=VALUE`` typed by the fact's declared type (raises UsageError)."""
    name, eq, raw = text.partition("=")
    name = name.strip()
    if not eq or not name:
        example = sc.facts.get(name) or next(iter(sc.facts.values()), None)
        shown = example and (not example.value if example.type == "boolean" else example.value)
        such = f", such as --set {example.id}={value_text(shown)}" if example else ""
        raise UsageError(f"--set needs FACT=VALUE{such}; got '{text}'")
    fact = sc.facts.get(name)
    if fact is None:
        raise UsageError(f"{option}: unknown fact '{name}'{known_names(name, sc.facts, 'facts')}")
    raw = raw.strip()
    if len(raw) > 1000:
        raise UsageError(f"{option}: the value for '{name}' is {len(raw):,} characters long; give a shorter one")
    value: FactValue
    if fact.type == "boolean":
        if raw.lower() not in ("true", "false"):
            raise UsageError(f"{option}: '{name}' is true or false, not '{raw}'")
        value = raw.lower() == "true"
    elif fact.type == "integer":
        try:
            value = int(raw)
        except ValueError:
            raise UsageError(f"{option}: '{name}' is a whole number, not '{raw}'") from None
    elif fact.type == "number":
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"{option}: '{name}' is a number, not '{raw}'") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise UsageError(f"{option}: '{name}' must be a finite number, not '{raw}'")
    else:
        value = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'" else raw
    return SetFact(name, value)


def value_text(v: FactValue) -> str:
    """A fact value as typed after --set."""
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def parse_without(text: str, sc: Scenario) -> Without:
    """``PARTY`` or ``PARTY.CONDITION`` (raises UsageError)."""
    party, dot, cond = text.strip().partition(".")
    if party not in sc.parties:
        owners = [pid for pid, p in sc.parties.items() if party in p.conditions] if not dot else []
        if owners:  # a condition named without its party
            refs = " or ".join(f"'{pid}.{party}'" for pid in owners)
            raise UsageError(f"--without: '{party}' is a condition, not a party; name it with its party: {refs}")
        raise UsageError(f"--without: unknown party '{party}'{known_names(party, sc.parties, 'parties')}")
    if dot:
        conditions = sc.parties[party].conditions
        if cond not in conditions:
            earlier = f" (or an earlier what-if removed it: {'; '.join(sc.applied)})" if sc.applied else ""
            raise UsageError(
                f"--without: party '{party}' has no condition '{cond}'{earlier}{known_names(cond, conditions, 'conditions')}"
            )
        return Without(party, cond)
    return Without(party)


def parse_skip(text: str, sc: Scenario) -> Skip:
    ids = [e.id for e in sc.timeline]
    name = text.strip()
    if name not in ids:
        earlier = f" (or an earlier what-if removed it: {'; '.join(sc.applied)})" if sc.applied else ""
        raise UsageError(f"--skip: unknown event '{name}'{earlier}{known_names(name, ids, 'events')}")
    return Skip(name)


def from_options(
    sc: Scenario, sets: tuple[str, ...] = (), without: tuple[str, ...] = (), skip: tuple[str, ...] = ()
) -> list[Op]:
    """The operations the command-line options ask for, checked against ``sc``."""
    ops: list[Op] = [parse_set(s, sc) for s in dict.fromkeys(sets)]  # an option given twice counts once
    whole = {w for w in without if "." not in w}
    ops += [parse_without(w, sc) for w in dict.fromkeys(without) if w.partition(".")[0] not in whole or "." not in w]
    ops += [parse_skip(s, sc) for s in dict.fromkeys(skip)]
    return ops

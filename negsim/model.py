"""Immutable model objects: what a checked scenario file becomes.

They are NamedTuples: immutable, cheap to create and to define (start-up
time matters for a command run many times from scripts). Change one with
``obj._replace(field=value)``, which returns a new object.

Every object keeps ``loc``, the place in its file it came from, so checks
that run later (what-ifs, linting) can still point at the right line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Generic, NamedTuple, TypeVar

from .errors import Loc
from .guards import Guard

K = TypeVar("K")
V = TypeVar("V")

FactValue = bool | int | float | str


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only mapping that keeps insertion order and pickles."""

    __slots__ = ("_d",)

    def __init__(self, items: Mapping[K, V] | None = None):
        object.__setattr__(self, "_d", dict(items or {}))

    def __getitem__(self, key: K) -> V:
        return self._d[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return f"FrozenMap({self._d!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self) -> tuple[object, ...]:
        return (FrozenMap, (self._d,))


class Source(NamedTuple):
    """A document the scenario rests on."""

    id: str
    title: str
    date: str
    file: str | None  # absolute path, resolved against the scenario's folder
    loc: Loc


class Draw(NamedTuple):
    """How a sweep draws a fact's starting value afresh for each run.

    ``kind`` is "choice" (``values`` with ``weights``), "uniform" (between
    ``low`` and ``high``, whole numbers for an integer fact) or "normal"
    (``mean`` and ``sd``, cut to ``low``..``high``).
    """

    kind: str
    values: tuple[FactValue, ...] = ()
    weights: tuple[float, ...] = ()
    low: float = 0.0
    high: float = 0.0
    mean: float = 0.0
    sd: float = 0.0

    def describe(self) -> str:
        if self.kind == "choice":
            total = sum(self.weights)
            return "one of " + ", ".join(f"{_shown(v)} ({w / total:.0%})" for v, w in zip(self.values, self.weights))
        if self.kind == "uniform":
            return f"uniform between {_num(self.low)} and {_num(self.high)}"
        return f"normal, mean {_num(self.mean)}, sd {_num(self.sd)}, cut to {_num(self.low)}..{_num(self.high)}"


class Fact(NamedTuple):
    """A variable of the world, with its starting value."""

    id: str
    value: FactValue
    type: str  # "boolean", "integer", "number" or "string"
    text: str
    loc: Loc
    levers: tuple[FactValue, ...] = ()  # other values explain may try
    draw: Draw | None = None  # uncertain: drawn per run instead of ``value``


class Condition(NamedTuple):
    """One thing a party needs before it consents to a step."""

    party: str
    id: str
    text: str
    when: Guard
    active: bool  # in force from the start; otherwise an event adds it
    loc: Loc

    @property
    def ref(self) -> str:
        return f"{self.party}.{self.id}"


class Party(NamedTuple):
    """A party to the deal and the conditions of its consent."""

    id: str
    name: str
    description: str
    conditions: FrozenMap[str, Condition]
    loc: Loc


class State(NamedTuple):
    """A state the deal can be in."""

    id: str
    description: str
    loc: Loc


class Transition(NamedTuple):
    """A step of the deal: its trigger, from and to states, guard and consenting parties."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    when: Guard | None
    consent: tuple[str, ...]
    text: str
    loc: Loc


class Codes(NamedTuple):
    """What an event is in event-data terms: a CAMEO event code and actor codes."""

    event: str  # e.g. "0871" declare truce, ceasefire (text: leading zeros matter)
    source: str | None  # e.g. "RUS"
    target: str | None  # e.g. "SYRREB"
    loc: Loc


class Event(NamedTuple):
    """One dated entry of the timeline."""

    id: str
    at: datetime  # aware, in the scenario's time zone
    text: str
    if_: Guard | None
    set: tuple[tuple[str, FactValue], ...]
    add_conditions: tuple[tuple[str, str], ...]  # (party, condition)
    drop_conditions: tuple[tuple[str, str], ...]
    trigger: str | None
    otherwise: str | None
    cite: tuple[str, ...]
    loc: Loc
    p: float | None = None  # uncertain: the chance it happens in a run
    jitter: int = 0  # uncertain: its time moves by up to this many minutes either way
    codes: Codes | None = None  # event-data codes (see negsim.codes)


class Scenario(NamedTuple):
    """A checked scenario: everything a run needs."""

    id: str
    title: str
    description: str
    tz: timezone
    sources: tuple[Source, ...]
    facts: FrozenMap[str, Fact]
    parties: FrozenMap[str, Party]
    states: FrozenMap[str, State]
    initial: str
    transitions: tuple[Transition, ...]
    timeline: tuple[Event, ...]
    path: str
    sha256: str
    loc: Loc
    applied: tuple[str, ...] = ()  # what-ifs applied, in order

    @property
    def triggers(self) -> tuple[str, ...]:
        """Every trigger name, in order of first appearance."""
        return tuple(dict.fromkeys(t.trigger for t in self.transitions))

    def event(self, event_id: str) -> Event | None:
        """The timeline event with this id, if any."""
        return next((e for e in self.timeline if e.id == event_id), None)

    def condition(self, ref: str) -> Condition | None:
        """The condition named ``party.condition``, if any."""
        party, _, cond = ref.partition(".")
        p = self.parties.get(party)
        return p.conditions.get(cond) if p else None

    @property
    def utc_offset(self) -> str:
        return format_offset(self.tz)

    @property
    def uncertain(self) -> tuple[str, ...]:
        """What is drawn per run, in words (empty for a scenario with no uncertainty)."""
        out = [f"fact '{f.id}' is drawn" for f in self.facts.values() if f.draw is not None]
        for e in self.timeline:
            if e.p is not None:
                out.append(f"event '{e.id}' happens with p={e.p:g}")
            if e.jitter:
                out.append(f"event '{e.id}' moves by up to {format_minutes(e.jitter)}")
        return tuple(out)


def format_minutes(minutes: int) -> str:
    """A duration as a scenario file writes it: '45m', '2h', '1h30m'."""
    h, m = divmod(minutes, 60)
    return (f"{h}h" if h else "") + (f"{m}m" if m or not h else "")


def _num(x: float) -> str:
    return f"{x:g}"


def _shown(v: FactValue) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else (f'"{v}"' if isinstance(v, str) else f"{v:g}")


def format_offset(tz: timezone) -> str:
    delta = tz.utcoffset(None)
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"

"""Drawing one run of an uncertain scenario from a seed.

A scenario is uncertain when events carry ``p`` (the chance they happen) or
``jitter`` (how far their time may move), or facts carry ``draw``. One run
is fixed by one integer, its *run seed*: the sweep derives run ``i``'s seed
from the sweep seed ``S`` and ``i`` (:func:`run_seed`), and ``negsim replay
--seed`` takes such a seed directly, so any run of a sweep replays alone.

Each uncertain element (an event's chance, an event's jitter, a fact's draw)
gets its own uniform number, hashed from the run seed and the element's
name with SplitMix64's mixing function. Draws therefore do not depend on the
order elements are visited in, nor on what-ifs that add, drop or change
other elements: ``--set`` on one fact leaves every other draw of that run as
it was, which is what makes grid points comparable run by run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from .model import Draw, FactValue, Scenario

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MAX_SEED = MASK


def _mix(x: int) -> int:
    """SplitMix64's finaliser: a 64-bit integer to a well-scrambled one."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def run_seed(seed: int, index: int) -> int:
    """The seed of run ``index`` (0-based) of a sweep with seed ``seed``."""
    return _mix((_mix(seed & MASK) + (index + 1) * GOLDEN) & MASK)


def run_seeds(seed: int, start: int, stop: int) -> list[int]:
    """``run_seed(seed, i)`` for i in range(start, stop), computed in one loop (the sweep's hot path)."""
    return _mix_all([(_mix(seed & MASK) + (i + 1) * GOLDEN) & MASK for i in range(start, stop)], 0)


def _mix_all(values: list[int], add: int) -> list[int]:
    """``[_mix((v + add) & MASK) for v in values]``, inlined: a sweep calls it for every run."""
    out = []
    for x in values:
        x = (x + add) & MASK
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
        out.append(x ^ (x >> 31))
    return out


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


UNIT = 1.0 / (1 << 53)


def _uniform(seed: int, key: int) -> float:
    """A number in [0, 1) for this run and this element."""
    return (_mix((seed + key) & MASK) >> 11) * UNIT


class Sample(NamedTuple):
    """What was drawn for one run, by timeline index."""

    seed: int
    facts: tuple[tuple[str, FactValue], ...]  # drawn starting values
    happened: tuple[bool, ...]  # per timeline event
    minutes: tuple[int, ...]  # per timeline event: its shift in minutes
    order: tuple[int, ...]  # timeline indexes, in the order they happen

    def at(self, scenario: Scenario, index: int) -> datetime:
        ev = scenario.timeline[index]
        return ev.at + timedelta(minutes=self.minutes[index]) if self.minutes[index] else ev.at


class Sampler:
    """A scenario's uncertain elements, prepared once; :meth:`draw` per run."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.facts = [(f.id, drawer(f.draw, f.type), _key(f"fact:{f.id}")) for f in scenario.facts.values() if f.draw]
        timeline = scenario.timeline
        self.chances = [(i, e.p, _key(f"event:{e.id}:p")) for i, e in enumerate(timeline) if e.p is not None]
        self.jitters = [(i, e.jitter, _key(f"event:{e.id}:jitter")) for i, e in enumerate(timeline) if e.jitter]
        # the timeline in minutes from its first event, to order jittered events
        first = timeline[0].at if timeline else None
        self.base_minutes = tuple(int((e.at - first).total_seconds() // 60) for e in timeline) if first else ()
        self.n = len(timeline)
        self.always = (True,) * self.n
        self.in_order = tuple(range(self.n))
        self.no_shift = (0,) * self.n
        self.keys = [key for *_, key in self.facts] + [key for *_, key in self.chances] + [key for *_, key in self.jitters]

    def draw(self, seed: int) -> Sample:
        """Everything drawn for the run with this run seed."""
        seed &= MASK
        facts, happened, order, minutes = self.parts(seed)
        return Sample(seed, facts, happened, minutes, order)

    def parts(self, seed: int) -> tuple[tuple, tuple[bool, ...], tuple[int, ...], tuple[int, ...]]:  # type: ignore[type-arg]
        """(facts, happened, order, minutes) for a run seed: the draw as plain tuples, for the sweep's loop."""
        # one uniform per element, in the order facts, chances, jitters (as _uniform(seed, key) each)
        us = [(x >> 11) * UNIT for x in _mix_all(self.keys, seed)]
        facts = tuple([(fid, fn(u)) for (fid, fn, _), u in zip(self.facts, us)])
        k = len(self.facts)
        happened = self.always
        if self.chances:
            drawn = list(happened)
            for (i, p, _), u in zip(self.chances, us[k:]):
                drawn[i] = u < p
            happened = tuple(drawn)
            k += len(self.chances)
        if not self.jitters:
            return facts, happened, self.in_order, self.no_shift
        minutes = [0] * self.n
        times = list(self.base_minutes)
        for (i, j, _), u in zip(self.jitters, us[k:]):
            shift = int(u * (2 * j + 1)) - j
            minutes[i] = shift
            times[i] += shift
        # sorted is stable: events at the same minute keep their timeline order
        return facts, happened, tuple(sorted(self.in_order, key=times.__getitem__)), tuple(minutes)


def drawer(d: Draw, type_: str) -> Callable[[float], FactValue]:
    """A function from a uniform number ``u`` in [0, 1) to the value ``d`` draws for it."""
    if d.kind == "choice":
        total = sum(d.weights)
        cuts, acc = [], 0.0
        for w in d.weights:
            acc += w
            cuts.append(acc / total)
        last = max(i for i, w in enumerate(d.weights) if w > 0)
        pairs = [(cut, v) for cut, v, w in zip(cuts, d.values, d.weights) if w > 0]

        def choice(u: float) -> FactValue:
            for cut, value in pairs:
                if u < cut:
                    return value
            return d.values[last]  # u within rounding of 1.0

        return choice
    low, high = d.low, d.high
    if d.kind == "uniform":
        if type_ == "integer":
            lo, span = int(low), int(high) - int(low) + 1
            return lambda u: lo + int(u * span)
        return lambda u: low + u * (high - low)
    from statistics import NormalDist  # only scenarios with a normal draw pay for it

    dist = NormalDist(d.mean, d.sd)
    a, b = dist.cdf(low), dist.cdf(high)

    def normal(u: float) -> FactValue:
        q = a + u * (b - a)  # the inverse CDF over the part of the curve between the bounds
        x = low if q <= 0.0 else high if q >= 1.0 else min(max(dist.inv_cdf(q), low), high)
        return min(max(round(x), int(low)), int(high)) if type_ == "integer" else x

    return normal

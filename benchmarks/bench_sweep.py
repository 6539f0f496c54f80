#!/usr/bin/env python3
"""Benchmark sweeps side by side in one run: the Machine, the fast path, and a floor.

The workload is the bundled variant ``aleppo-uncertain``: the article's
timeline (18 events) with three uncertain events (the 07:00 shelling with
p=0.7 and an hour's jitter, the wounded offer with p=0.7, Russian pressure
with p=0.6 and three hours' jitter) and one drawn fact (the militias let the
buses through with weight 1 against 2). All rates are runs per second on one
core, measured in this process, interleaved over several rounds (medians):

1. ``machine``: ``Engine.run(seed)``, a full trace per run through the
   ``transitions`` Machine (what ``negsim replay --seed`` does).
2. ``fast, no memo``: ``FastEngine`` dispatching through the flat table read
   from that Machine, recomputing every run's course (what a sweep costs when
   every draw is new, e.g. a fact drawn from a continuous distribution).
3. ``fast (sweep)``: ``negsim.sweep.run_chunk``, the sweep's own loop: the
   same fast path with courses remembered per distinct draw, plus the tally.
4. ``floor``: a hand-written loop over the same timeline with a dict from
   (state, trigger) to transitions and plain lambdas for guards and
   conditions, drawing with one ``random.Random`` per run: what the run would
   cost with no engine at all. Its shares are printed to show it computes the
   same thing.

Targets (issue 5): fast (sweep) >= 50,000 runs/s; fast (sweep) >= floor / 3.

Then scaling: ``negsim.sweep.sweep`` on 10**6 runs (``--quick``: 2 * 10**5)
with one worker and with two, end to end (including the worker pool's
start-up), alternating over 3 rounds (medians): on a shared machine one
core's speed can change by half between two runs, so a single pair of runs
can show almost any ratio. Target: two workers >= 1.7x one worker. The two results must be
identical, and the script checks that.

    python benchmarks/bench_sweep.py           # full run (about a minute)
    python benchmarks/bench_sweep.py --quick   # smoke run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import negsim  # noqa: E402
from negsim.engine import Engine  # noqa: E402
from negsim.fast import FastEngine  # noqa: E402
from negsim.render.sweep import render_sweep_json  # noqa: E402
from negsim.sample import run_seed  # noqa: E402
from negsim.sweep import _engines, run_chunk, sweep  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_replay import RawAleppo  # noqa: E402  the article transcribed by hand, shared

SWEEP_RATE_TARGET = 50_000
FLOOR_SHARE_TARGET = 1 / 3
SCALING_TARGET = 1.7


# --- the floor: the article's uncertain timeline, by hand ----------------------------


# Minutes from the first event, per event of RawAleppo.TIMELINE (13 Dec 22:00 = 0).
MINUTES = (0, 360, 420, 510, 540, 600, 660, 720, 750, 780, 810, 960, 1200, 1260, 1380, 1530, 1540, 1550)
# What aleppo-uncertain makes uncertain: timeline index -> (p, jitter in minutes); and the checkpoints' draw.
UNCERTAIN = {4: (0.7, 60), 12: (0.7, 0), 13: (0.6, 180)}
P_CHECKPOINTS_OPEN = 1 / 3


def floor_runs(n: int, seed: int) -> Counter[str]:
    """n runs of aleppo-uncertain by hand, on bench_replay's transcription of the article
    (RawAleppo's facts, conditions, transitions and timeline); returns final-state counts."""
    conditions = RawAleppo.CONDITIONS
    table: dict[tuple[str, str], list] = {}
    for trigger, sources, dest, guard, consent in RawAleppo.TRANSITIONS:
        for source in sources:
            table.setdefault((source, trigger), []).append((dest, guard, consent))
    events = [(m, *UNCERTAIN.get(k, (None, 0)), *ev) for k, (m, ev) in enumerate(zip(MINUTES, RawAleppo.TIMELINE))]
    start_facts = RawAleppo.FACTS
    start_active = {(p, c) for p, cs in conditions.items() for c, (on, _) in cs.items() if on}
    finals: Counter[str] = Counter()
    rng = random.Random(seed)
    rand = rng.random
    for _ in range(n):
        facts = dict(start_facts)
        facts["checkpoints_open"] = rand() < P_CHECKPOINTS_OPEN
        facts["state"] = state = "negotiating"
        active = set(start_active)
        timed = []
        for k, ev in enumerate(events):
            if ev[1] is not None and rand() >= ev[1]:
                continue
            timed.append((ev[0] + (int(rand() * (2 * ev[2] + 1)) - ev[2] if ev[2] else 0), k, ev))
        timed.sort()
        blocked = set()
        for _, _, (_, _, _, if_, sets, add, drop, trigger, otherwise) in timed:
            if if_ is not None and not if_(facts):
                continue
            facts.update(sets)
            active.update(add)
            active.difference_update(drop)
            for name in (trigger, otherwise):
                if name is None:
                    continue
                fired = False
                for dest, guard, consent in table.get((state, name), ()):
                    failing = [(p, c) for p in consent for c, (_, test) in conditions[p].items() if (p, c) in active and not test(facts)]
                    if guard is not None and not guard(facts):
                        failing.append(("guard", name))
                    if not failing:
                        facts["state"] = state = dest
                        fired = True
                        break
                    blocked.update(failing)
                if fired or name == otherwise:
                    break
        finals[state] += 1
    return finals


# --- measuring -------------------------------------------------------------------------


def rate(fn, n: int) -> float:  # noqa: ANN001
    t = time.perf_counter()
    fn(n)
    return n / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = ap.parse_args()
    n = 20_000 if args.quick else 100_000
    rounds = 3 if args.quick else 5
    big = 200_000 if args.quick else 1_000_000

    sc = negsim.load("aleppo-uncertain")
    machine, fast = Engine(sc), FastEngine(sc)
    parts = fast.sampler.parts

    def machine_runs(k: int) -> None:
        for i in range(k):
            machine.run(run_seed(1, i))

    def fast_no_memo(k: int) -> None:
        play = fast._play
        for i in range(k):
            facts, happened, order, _ = parts(run_seed(1, i))
            play(facts, happened, order, False)

    _engines([sc])

    def fast_sweep(k: int) -> None:
        run_chunk(0, 0, k, 1, "reinstated", "", False)

    def floor(k: int) -> None:
        floor_runs(k, 1)

    cases = {
        "machine": (machine_runs, n // 10),
        "fast, no memo": (fast_no_memo, n),
        "fast (sweep)": (fast_sweep, n),
        "floor": (floor, n),
    }
    rates: dict[str, list[float]] = {name: [] for name in cases}
    for r in range(rounds):
        for name in list(cases)[r % len(cases):] + list(cases)[: r % len(cases)]:
            fn, k = cases[name]
            rates[name].append(rate(fn, k))
    med = {name: statistics.median(v) for name, v in rates.items()}

    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cpus; aleppo-uncertain; medians of {rounds} rounds")
    print(f"{'path':<16}{'runs/s':>12}{'vs floor':>10}")
    for name, value in med.items():
        print(f"{name:<16}{value:>12,.0f}{value / med['floor']:>10.2f}")
    ours = dict(sweep(sc, 40_000, 1).points[0].finals)
    theirs = floor_runs(40_000, 1)
    print("final shares, sweep vs floor: " + ", ".join(
        f"{s} {ours[s].share:.3f}/{theirs[s] / 40_000:.3f}" for s in sc.states if s in ours
    ))
    ok_rate = med["fast (sweep)"] >= SWEEP_RATE_TARGET
    ok_floor = med["fast (sweep)"] >= FLOOR_SHARE_TARGET * med["floor"]
    print(f"target fast (sweep) >= {SWEEP_RATE_TARGET:,}/s: {'met' if ok_rate else 'MISSED'}")
    print(f"target fast (sweep) >= floor/3: {'met' if ok_floor else 'MISSED'} "
          f"(no-memo path: {med['fast, no memo'] / med['floor']:.2f} of floor)")

    scale_rounds = 1 if args.quick else 3
    print(f"\nscaling: sweep of {big:,} runs, end to end; medians of {scale_rounds} alternating rounds")
    times: dict[int, list[float]] = {1: [], 2: []}
    results = {}
    for _ in range(scale_rounds):  # alternating, so that this machine's changes of speed fall on both
        for workers in (1, 2):
            t = time.perf_counter()
            results[workers] = render_sweep_json(sweep(sc, big, 1, reach="reinstated", workers=workers))
            times[workers].append(time.perf_counter() - t)
    assert results[1] == results[2], "results differ between 1 and 2 workers"
    for workers, ts in times.items():
        m = statistics.median(ts)
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: {m:6.2f} s  ({big / m:,.0f} runs/s)  rounds: {', '.join(f'{t:.2f}' for t in ts)}")
    speedup = statistics.median(times[1]) / statistics.median(times[2])
    print(f"  speed-up {speedup:.2f}x (target >= {SCALING_TARGET}x): {'met' if speedup >= SCALING_TARGET else 'MISSED'}; results identical")

if __name__ == "__main__":
    main()

"""Many runs of an uncertain scenario: outcome shares, visits, timings, blockers.

A sweep runs a scenario ``runs`` times per grid point. Run ``i`` has the
seed :func:`negsim.sample.run_seed` (S, i), the same at every grid point
(common random numbers: points differ only by the facts the grid sets), so
any run replays alone with ``negsim replay --seed``. Runs are cut into
chunks, run in this process or in a pool of worker processes, and each
chunk's tally is merged; merging is order-free and the per-run rows are
joined in run order, so the result is byte-identical whatever the number of
workers and the chunk size.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from math import sqrt
from typing import NamedTuple

from .fast import FastEngine, Played
from .model import FactValue, Scenario
from .sample import run_seeds
from .trace import Block
from .whatif import SetFact, apply

Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval
MAX_RUNS = 100_000_000


class Tally(NamedTuple):
    """What a set of runs of one grid point added up to."""

    runs: int
    finals: Counter[str]
    visits: Counter[str]  # runs that visited each state
    blocked: Counter[Block]  # runs in which each condition or guard blocked a step
    reach: Counter[int]  # minute (from the first event) a run first reached the target -> runs
    rows: str  # CSV lines for these runs ("" unless rows were asked for)


class Share(NamedTuple):
    count: int
    share: float
    low: float  # 95% Wilson interval
    high: float


class PointResult(NamedTuple):
    """The summary of one grid point."""

    label: str  # e.g. "checkpoints_open=true"; "" without a grid
    sets: tuple[tuple[str, FactValue], ...]
    runs: int
    finals: tuple[tuple[str, Share], ...]  # in the scenario's state order; states never ended in are left out
    visits: tuple[tuple[str, Share], ...]
    blocked: tuple[tuple[Block, Share], ...]  # most often first
    reached: Share | None  # None without --reach
    reach_times: tuple[datetime, datetime, datetime] | None  # quartiles (median in the middle), if any run reached


class SweepResult(NamedTuple):
    scenario: Scenario
    runs: int  # per grid point
    seed: int
    reach: str | None
    points: tuple[PointResult, ...]
    complete: bool  # False when interrupted: each point then covers its first finished runs
    drawn: tuple[str, ...] = ()  # what each run draws (a grid's facts are fixed, so not drawn)


class Point(NamedTuple):
    label: str  # "fact=value fact=value", "" without a grid
    sets: tuple[tuple[str, FactValue], ...]
    scenario: Scenario


def grid_points(scenario: Scenario, grid: Sequence[tuple[str, Sequence[FactValue]]]) -> list[Point]:
    """Every combination of grid values (the last fact varying fastest), each with its scenario."""
    points = []
    for combo in itertools.product(*(values for _, values in grid)):
        ops = [SetFact(fid, value) for (fid, _), value in zip(grid, combo)]
        label = " ".join(op.label[len("set "):] for op in ops)
        sets = tuple((op.fact, op.value) for op in ops)
        points.append(Point(label, sets, apply(scenario, ops) if ops else scenario))
    return points


MAX_POINTS = 1_000


def parse_grid(options: Sequence[str], sc: Scenario) -> list[tuple[str, tuple[FactValue, ...]]]:
    """``--grid FACT=V1,V2,...`` options, typed by each fact (raises UsageError)."""
    from .errors import UsageError
    from .whatif import parse_set

    axes: list[tuple[str, tuple[FactValue, ...]]] = []
    for text in options:
        name, eq, raw = text.partition("=")
        name = name.strip()
        if not eq or not name or not raw.strip():
            raise UsageError(f"--grid needs FACT=V1,V2,..., such as --grid checkpoints_open=true,false; got '{text}'")
        if any(fid == name for fid, _ in axes):
            raise UsageError(f"--grid: '{name}' is given twice; list all its values in one --grid")
        values = tuple(dict.fromkeys(parse_set(f"{name}={v}", sc, "--grid").value for v in raw.split(",")))
        axes.append((name, values))
    count = 1
    for _, values in axes:
        count *= len(values)
    if count > MAX_POINTS:
        raise UsageError(f"--grid makes {count:,} points; at most {MAX_POINTS:,} are allowed")
    return axes


# --- running ------------------------------------------------------------------

_ENGINES: list[FastEngine] = []  # per grid point, in this process


def _engines(scenarios: Sequence[Scenario]) -> None:
    _ENGINES[:] = [FastEngine(sc) for sc in scenarios]


def _worker(scenarios: Sequence[Scenario]) -> None:
    """Set up a worker process. Ctrl-C reaches every process of the terminal's group; the
    parent alone handles it (stopping the pool), so workers ignore it and finish their chunk."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _engines(scenarios)


def run_chunk(point: int, start: int, stop: int, seed: int, reach: str | None, label: str, rows: bool) -> Tally:
    """Runs ``start`` to ``stop`` of grid point ``point`` (engines set up by :func:`_engines`)."""
    engine = _ENGINES[point]
    play, at = engine.play, engine.minutes
    first = engine.scenario.timeline[0].at if engine.scenario.timeline else None
    seen: dict[int, list] = {}  # id of a remembered course -> [course, runs]  # type: ignore[type-arg]
    reached: Counter[int] = Counter()
    lines: list[str] = []
    tally = Tally(stop - start, Counter(), Counter(), Counter(), reached, "")
    for i, s in enumerate(run_seeds(seed, start, stop), start):
        played, shifts = play(s)
        if played.memo:
            entry = seen.get(id(played))
            if entry is None:
                seen[id(played)] = [played, 1]
            else:
                entry[1] += 1
        else:
            _count(tally, played, 1)
        when = None
        if reach is not None and reach in played.path:
            k = played.path.index(reach)
            when = at[played.steps[k - 1]] + shifts[played.steps[k - 1]] if k else 0
            reached[when] += 1
        if rows:
            lines.append(_row(i, s, label, played.path, reach, when, first))
    for played, n in seen.values():
        _count(tally, played, n)
    return tally._replace(rows="".join(lines))


def _count(tally: Tally, played: Played, n: int) -> None:
    tally.finals[played.path[-1]] += n
    for state in set(played.path):
        tally.visits[state] += n
    for block in played.blocked:
        tally.blocked[block] += n


def _row(i: int, s: int, label: str, path: tuple[str, ...], reach: str | None, at: int | None, first: datetime | None) -> str:
    cells = [str(i), str(s), _csv(label), path[-1], ">".join(path)]
    if reach is not None:
        when = "" if at is None or first is None else (first + timedelta(minutes=at)).strftime("%Y-%m-%dT%H:%M")
        cells += ["true" if at is not None else "false", when]
    return ",".join(cells) + "\n"


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n\r') else text


def csv_header(reach: str | None) -> str:
    return "run,seed,point,final_state,path" + (",reached,time_reached" if reach is not None else "") + "\n"


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunk_size(runs: int, workers: int) -> int:
    """Big enough to amortise a task's cost, small enough to share work and report progress."""
    return max(2_000, min(20_000, -(-runs // (workers * 8))))


def sweep(
    scenario: Scenario,
    runs: int,
    seed: int,
    *,
    grid: Sequence[tuple[str, Sequence[FactValue]]] = (),
    reach: str | None = None,
    workers: int = 1,
    chunk: int | None = None,
    rows: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Run ``scenario`` ``runs`` times per grid point and summarise.

    ``rows``, if given, receives the per-run CSV lines (without header), in
    run order. ``progress`` receives the number of runs each finished chunk
    adds. On KeyboardInterrupt the result covers the runs finished so far
    (``complete`` is False).
    """
    points = grid_points(scenario, grid)
    size = chunk or chunk_size(runs, workers)
    jobs = [(p, a, min(a + size, runs)) for p in range(len(points)) for a in range(0, runs, size)]
    workers = max(1, min(workers, len(jobs)))
    labels = [pt.label for pt in points]
    args = [(p, a, b, seed, reach, labels[p], rows is not None) for p, a, b in jobs]
    done: dict[int, Tally] = {}
    complete = True
    try:
        if workers == 1:
            _engines([pt.scenario for pt in points])
            for k, job in enumerate(args):
                done[k] = run_chunk(*job)
                _emit_rows(done, k, rows)
                if progress:
                    progress(done[k].runs)
        else:
            _pool(points, args, workers, done, rows, progress)
    except KeyboardInterrupt:
        complete = False
    results = []
    for p, pt in enumerate(points):
        tallies = []
        for k, (q, _, _) in enumerate(jobs):  # the finished chunks that run on from the start
            if q == p:
                if k not in done:
                    break
                tallies.append(done[k])
        results.append(_summarise(pt, tallies, reach))
    return SweepResult(scenario, runs, seed, reach, tuple(results), complete, points[0].scenario.uncertain)


def _emit_rows(done: dict[int, Tally], k: int, rows: Callable[[str], None] | None) -> None:
    if rows is not None:
        rows(done[k].rows)
        done[k] = done[k]._replace(rows="")  # written; free the memory


def _pool(points, args, workers, done, rows, progress) -> None:  # noqa: ANN001
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker, initargs=([pt.scenario for pt in points],))
    try:
        pending = {pool.submit(run_chunk, *job): k for k, job in enumerate(args)}
        written = 0
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                k = pending.pop(future)
                done[k] = future.result()
                if progress:
                    progress(done[k].runs)
            while written in done:  # rows go out in run order
                _emit_rows(done, written, rows)
                written += 1
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # the chunks under way take a moment at most
        raise
    pool.shutdown()


# --- summarising ----------------------------------------------------------------


def wilson(count: int, n: int) -> Share:
    """``count`` of ``n`` as a share with its 95% Wilson score interval."""
    if n == 0:
        return Share(count, 0.0, 0.0, 1.0)
    p = count / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Share(count, p, max(0.0, centre - half), min(1.0, centre + half))


def _summarise(pt: Point, tallies: list[Tally], reach: str | None) -> PointResult:
    sc = pt.scenario
    n = sum(t.runs for t in tallies)
    finals: Counter[str] = Counter()
    visits: Counter[str] = Counter()
    blocked: Counter[Block] = Counter()
    times: Counter[int] = Counter()
    for t in tallies:
        finals.update(t.finals)
        visits.update(t.visits)
        blocked.update(t.blocked)
        times.update(t.reach)
    order = list(sc.states)
    blockers = sorted(blocked.items(), key=lambda kv: (-kv[1], kv[0].party or "", kv[0].condition or "", kv[0].text))
    reach_times = None
    reached = sum(times.values())
    if reach is not None and reached:
        first = sc.timeline[0].at
        reach_times = tuple(first + timedelta(minutes=_quantile(times, q)) for q in (0.25, 0.5, 0.75))
    return PointResult(
        pt.label,
        pt.sets,
        n,
        tuple((s, wilson(finals[s], n)) for s in order if finals[s]),
        tuple((s, wilson(visits[s], n)) for s in order if visits[s]),
        tuple((b, wilson(c, n)) for b, c in blockers),
        wilson(reached, n) if reach is not None else None,
        reach_times,  # type: ignore[arg-type]
    )


def _quantile(histogram: Counter[int], q: float) -> int:
    """The ``q`` quantile of the values counted in ``histogram``, interpolated between
    neighbours and rounded to the minute (exact and deterministic: no floating sums)."""
    n = sum(histogram.values())
    pos = q * (n - 1)
    lo = int(pos)
    values = sorted(histogram.items())

    def nth(k: int) -> int:  # the k-th smallest value (0-based)
        seen = 0
        for value, count in values:
            seen += count
            if k < seen:
                return value
        return values[-1][0]

    a, b = nth(lo), nth(min(lo + 1, n - 1))
    return round(a + (b - a) * (pos - lo))

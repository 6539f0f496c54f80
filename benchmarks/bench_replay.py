#!/usr/bin/env python3
"""Benchmark negsim's replay against what it is built on, side by side in one run.

Two measurements, each reported as medians over repeated trials:

1. Start-up: the wall time of the command ``negsim replay aleppo-2016-12
   --format json`` (run as ``python -m negsim`` from the checkout, and as the
   installed ``negsim`` script when one sits beside this interpreter) against
   ``python -c "import transitions, yaml, click"``, i.e. against merely
   importing negsim's three dependencies. The commands are interleaved (their
   order rotates every round) so that drift in the machine's speed falls on
   all of them alike; stdout is discarded. Target: ratio <= 1.3.

2. In-process replays per second: one ``negsim.Engine(scenario)`` reused for
   many ``run()`` calls, against a plain ``transitions.Machine`` with the same
   states and transitions, driven by a hand-written loop over the same
   timeline with plain Python lambdas for the conditions (see RawAleppo).
   Target: raw_rate / negsim_rate <= 1.5.

3. ``negsim explain`` on the article (targets: well under a second) and on
   two synthetic deals with 20 conditions (tests/synthetic.py): ten stages
   with two alternative routes each (1,024 minimal sets, the expensive
   case), and one step blocked by all twenty (the cheap case).

This is a script, not a test::

    python benchmarks/bench_replay.py            # full run (about a minute)
    python benchmarks/bench_replay.py --quick    # smoke run (a few seconds)

It measures the negsim of the checkout it lives in (the repository root goes
first on sys.path, and ``python -m negsim`` runs with the root as its working
directory). Use the interpreter negsim's dependencies are installed in.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "aleppo-2016-12"
STARTUP_TARGET = 1.3
REPLAY_TARGET = 1.5


# --- the machine ---------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def describe_machine() -> list[tuple[str, str]]:
    import click
    import transitions
    import yaml

    import negsim

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "negsim"], capture_output=True, text=True, check=False
        ).stdout.strip()
        commit = (commit or "?") + (" + uncommitted changes in negsim/" if dirty else "")
    except OSError:
        commit = "?"
    return [
        ("cpu", f"{cpu_model()} ({os.cpu_count()} logical, {usable} usable)"),
        ("os", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("python", f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"),
        (
            "deps",
            f"transitions {transitions.__version__}, PyYAML {yaml.__version__}"
            f" (libyaml {'yes' if getattr(yaml, '__with_libyaml__', False) else 'no'}), click {_version('click', click)}",
        ),
        ("negsim", f"{negsim.__version__} from {Path(negsim.__file__).parent} (commit {commit})"),
    ]


def _version(dist: str, module: object) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:  # noqa: BLE001 - only for display
        return str(getattr(module, "__version__", "?"))


# --- 1. start-up ----------------------------------------------------------------


def startup_commands() -> list[tuple[str, list[str]]]:
    py = sys.executable
    cmds = [("python -m negsim replay", [py, "-m", "negsim", "replay", SCENARIO, "--format", "json"])]
    # The installed console script, preferably the one beside this interpreter
    # (same environment); it imports the *installed* negsim, which may differ
    # from this checkout unless it was installed from it.
    script = Path(py).parent / "negsim"
    if not script.exists():
        found = shutil.which("negsim")
        script = Path(found) if found else None  # type: ignore[assignment]
    if script is not None:
        cmds.append(("negsim replay (script)", [str(script), "replay", SCENARIO, "--format", "json"]))
        print(f"  script  {script} imports negsim from {_script_negsim(script)}")
    cmds.append(("baseline: import deps", [py, "-c", "import transitions, yaml, click"]))
    return cmds


def _script_negsim(script: Path) -> str:
    """Where the console script's interpreter finds negsim (it does not see this checkout)."""
    try:
        with open(script, encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
        interp = first[2:].strip() if first.startswith("#!") else sys.executable
        out = subprocess.run(
            [*interp.split(), "-c", "import negsim, os; print(os.path.dirname(negsim.__file__))"],
            cwd=os.path.dirname(str(script)) or "/",
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("PYTHONPROFILEIMPORTTIME", "PYTHONTRACEMALLOC", "PYTHONDEVMODE", "PYTHONASYNCIODEBUG", "NEGSIM_DEBUG"):
        env.pop(var, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode caches, as users run it
    return env


def check_startup_output(cmds: list[tuple[str, list[str]]]) -> None:
    """Run each negsim command once, capturing stdout, and check it is the expected trace."""
    for label, argv in cmds:
        if label.startswith("baseline"):
            continue
        out = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False)
        if out.returncode != 0:
            sys.exit(f"{label}: exit status {out.returncode}\n{out.stderr}")
        trace = json.loads(out.stdout)
        if trace.get("scenario") != SCENARIO or not trace.get("final_state"):
            sys.exit(f"{label}: unexpected output: {out.stdout[:200]!r}")
        if out.stdout != json.dumps(trace, indent=2, ensure_ascii=True) + "\n":
            sys.exit(f"{label}: output is not what json.dumps(indent=2, ensure_ascii=True) writes")


def _run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``argv``, stdout discarded."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        cpu = usage.ru_utime + usage.ru_stime
        proc.returncode = os.waitstatus_to_exitcode(status)
    else:  # pragma: no cover - not POSIX
        proc.wait()
        wall = time.perf_counter() - t0
        cpu = float("nan")
    err = proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed with status {proc.returncode}: {err.decode(errors='replace')}")
    return wall, cpu


def time_startup(
    cmds: list[tuple[str, list[str]]], rounds: int, warmup: int = 3
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    env = _env()
    walls: dict[str, list[float]] = {label: [] for label, _ in cmds}
    cpus: dict[str, list[float]] = {label: [] for label, _ in cmds}
    for r in range(warmup + rounds):
        # rotate the order every round so that no command always goes first
        k = r % len(cmds)
        for label, argv in cmds[k:] + cmds[:k]:
            wall, cpu = _run_once(argv, env)
            if r >= warmup:
                walls[label].append(wall)
                cpus[label].append(cpu)
    return walls, cpus


def count_instructions(cmds: list[tuple[str, list[str]]]) -> dict[str, int] | None:
    """Instructions executed by each command (valgrind's callgrind, Ir), or None without valgrind.

    Unlike wall time this does not move when other programs share the
    machine, so it is the figure to compare two versions of negsim by. It
    leaves out the kernel's work (exec, page faults), which both commands share.
    """
    if shutil.which("valgrind") is None:
        return None
    env = _env()
    env["PYTHONHASHSEED"] = "0"
    counts = {}
    for label, argv in cmds:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        found = [line.split("Collected :")[1] for line in out.stderr.splitlines() if "Collected :" in line]
        if out.returncode != 0 or not found:
            return None
        counts[label] = int(found[-1].strip())
    return counts


# --- 2. in-process replays --------------------------------------------------------


class RawAleppo:
    """The article's timeline driven straight on ``transitions``, with no negsim code.

    What it does, per run (the same work as ``Engine.run`` minus building the
    Trace and the per-step / per-block records):

    * resets a plain dict of facts and a dict of active condition sets to the
      scenario's starting values, and puts the Machine back in 'negotiating';
    * for each of the 18 timeline events, in order: evaluates the event's
      ``if`` lambda (if any), assigns its facts, adds/drops party conditions,
      then fires its trigger through the model (``getattr(model, trigger)()``);
      when the trigger does not fire and the event has an ``otherwise``, fires
      that one too, exactly as negsim does;
    * every transition has ONE condition callable which evaluates the
      transition's own guard and every *active* condition of every consenting
      party, without stopping at the first failure (negsim does the same so a
      blocked step can list all its reasons). Failing conditions are counted,
      not described;
    * like negsim, a trigger is only fired when it is defined from the current
      state (checked with a dict lookup; never the case otherwise here);
    * records the path of states entered.

    The facts, conditions, guards and timeline below are transcribed by hand
    from scenarios/aleppo-2016-12.yaml.
    """

    STATES = [
        "negotiating",
        "agreed",
        "buses_staged",
        "evacuating",
        "turned_back",
        "collapsed",
        "renegotiated",
        "reinstated",
    ]
    FACTS = {
        "rebels_ready_to_leave": False,
        "destination": "idlib",
        "buses_at_meeting_points": False,
        "checkpoints_open": False,
        "shelling": False,
        "rebels_retaliated": False,
        "evacuees_sought": 2000,
        "foua_kfraya_siege_lifted": False,
        "foua_kfraya_wounded_offered": False,
        "hostages_released": False,
        "wanted_fighters_handed_over": False,
        "iranian_remains_returned": False,
        "buses_and_convoys_agreed": False,
    }
    # party -> condition -> (active at start, predicate over the facts dict)
    CONDITIONS = {
        "government": {
            "surrender_or_leave": (True, lambda f: f["rebels_ready_to_leave"]),
            "hostages": (False, lambda f: f["hostages_released"]),
            "wanted_fighters": (False, lambda f: f["wanted_fighters_handed_over"]),
            "evacuee_cap": (False, lambda f: f["evacuees_sought"] <= 2000),
        },
        "russia": {"rebels_leave": (True, lambda f: f["rebels_ready_to_leave"])},
        "iran": {
            "foua_kfraya": (False, lambda f: f["foua_kfraya_siege_lifted"] or f["foua_kfraya_wounded_offered"]),
            "iranian_remains": (False, lambda f: f["iranian_remains_returned"]),
        },
        "turkey": {"to_idlib": (True, lambda f: f["destination"] == "idlib")},
        "rebels": {"siege_kept": (True, lambda f: not f["foua_kfraya_siege_lifted"])},
        "militias": {"open_checkpoints": (True, lambda f: f["checkpoints_open"])},
    }
    # (trigger, sources, dest, guard or None, consenting parties)
    TRANSITIONS = [
        ("agree", ["negotiating"], "agreed", None, ["russia", "turkey", "government", "rebels"]),
        ("stage_buses", ["agreed"], "buses_staged", lambda f: f["buses_at_meeting_points"], ["government"]),
        ("depart", ["buses_staged"], "evacuating", None, ["militias", "government", "rebels"]),
        ("turn_back", ["buses_staged"], "turned_back", None, []),
        ("collapse", ["agreed", "buses_staged", "evacuating", "turned_back"], "collapsed", lambda f: f["shelling"], []),
        ("renegotiate", ["turned_back", "collapsed"], "renegotiated", None, ["government", "iran", "rebels", "russia", "turkey"]),
        ("reinstate", ["renegotiated"], "reinstated", lambda f: f["buses_and_convoys_agreed"], ["russia", "turkey", "government", "rebels"]),
    ]
    # (if, set, add_conditions, drop_conditions, trigger, otherwise)
    TIMELINE = [
        (None, {"rebels_ready_to_leave": True}, (), (), "agree", None),
        (None, {"buses_at_meeting_points": True}, (), (), "stage_buses", None),
        (None, {}, (), (), "depart", "turn_back"),
        (lambda f: f["state"] == "turned_back", {}, (), (), None, None),
        (lambda f: f["state"] != "evacuating", {"shelling": True}, (), (), "collapse", None),
        (lambda f: f["shelling"], {"rebels_retaliated": True}, (), (), None, None),
        (None, {}, (), (), None, None),
        (None, {}, (("iran", "foua_kfraya"),), (), None, None),
        (None, {}, (("government", "hostages"), ("government", "wanted_fighters")), (), None, None),
        (None, {}, (("iran", "iranian_remains"),), (), None, None),
        (None, {"evacuees_sought": 10000}, (("government", "evacuee_cap"),), (), None, None),
        (None, {}, (), (), "renegotiate", None),
        (None, {"foua_kfraya_wounded_offered": True}, (), (), None, None),
        (
            None,
            {},
            (),
            (("government", "hostages"), ("government", "wanted_fighters"), ("iran", "iranian_remains")),
            None,
            None,
        ),
        (None, {"buses_and_convoys_agreed": True, "evacuees_sought": 2000}, (), (), "renegotiate", None),
        (None, {"shelling": False}, (), (), "reinstate", None),
        (None, {"shelling": True}, (), (), None, None),
        (None, {}, (), (), None, None),
    ]

    def __init__(self) -> None:
        from transitions import Machine

        self.facts: dict[str, object] = {}
        self.active: dict[str, set[str]] = {p: set() for p in self.CONDITIONS}
        self.failed = 0

        class Model:
            pass

        self.model = Model()
        self.valid_from: dict[str, set[str]] = {}
        transitions = []
        for trigger, sources, dest, guard, consent in self.TRANSITIONS:
            transitions.append(
                {"trigger": trigger, "source": sources, "dest": dest, "conditions": [self._condition(guard, consent)]}
            )
            self.valid_from.setdefault(trigger, set()).update(sources)
        self.machine = Machine(
            model=self.model, states=self.STATES, transitions=transitions, initial="negotiating", auto_transitions=False
        )

    def _condition(self, guard, consent):  # noqa: ANN001, ANN202
        facts, active, conditions = self.facts, self.active, self.CONDITIONS
        checks = [(p, c, pred) for p in consent for c, (_, pred) in conditions[p].items()]

        def condition() -> bool:
            ok = True
            if guard is not None and not guard(facts):
                self.failed += 1
                ok = False
            for p, c, pred in checks:
                if c in active[p] and not pred(facts):
                    self.failed += 1
                    ok = False
            return ok

        return condition

    def run(self) -> list[str]:
        facts, active, model = self.facts, self.active, self.model
        facts.clear()
        facts.update(self.FACTS)
        facts["state"] = "negotiating"
        for p, conds in self.CONDITIONS.items():
            active[p] = {c for c, (on, _) in conds.items() if on}
        self.machine.set_state("negotiating")
        path = ["negotiating"]
        for if_, sets, adds, drops, trigger, otherwise in self.TIMELINE:
            if if_ is not None and not if_(facts):
                continue
            facts.update(sets)
            for p, c in adds:
                active[p].add(c)
            for p, c in drops:
                active[p].discard(c)
            if trigger is None:
                continue
            fired = self._fire(trigger, path)
            if not fired and otherwise is not None:
                self._fire(otherwise, path)
        return path

    def _fire(self, trigger: str, path: list[str]) -> bool:
        if self.facts["state"] not in self.valid_from[trigger]:
            return False
        if getattr(self.model, trigger)():
            self.facts["state"] = self.model.state
            path.append(self.model.state)
            return True
        return False


def _rate(fn, n: int) -> float:  # noqa: ANN001
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - t0)


def time_replays(trials: int, seconds_per_trial: float) -> tuple[list[float], list[float], tuple[str, ...]]:
    import negsim

    scenario = negsim.load(SCENARIO)
    engine = negsim.Engine(scenario)
    raw = RawAleppo()

    # verify once that both do the same thing
    trace = engine.run()
    raw_path = raw.run()
    if tuple(raw_path) != trace.path or raw_path[-1] != trace.final_state:
        sys.exit(f"raw baseline diverges from negsim:\n  negsim {trace.path}\n  raw    {tuple(raw_path)}")
    negsim_fails = sum(len(a.blocked_by) + len(getattr(a, "passed_over", ())) for s in trace.steps for a in s.attempts)
    raw.failed = 0
    raw.run()
    if raw.failed != negsim_fails:
        sys.exit(f"raw baseline saw {raw.failed} failing conditions, negsim {negsim_fails}")

    # calibrate the number of runs per trial on negsim (the slower of the two)
    n = 50
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            engine.run()
        if time.perf_counter() - t0 >= seconds_per_trial / 4:
            break
        n *= 2
    n = max(50, int(n * seconds_per_trial / max(time.perf_counter() - t0, 1e-9)))

    neg_rates, raw_rates = [], []
    _rate(engine.run, n // 4)  # warm-up
    _rate(raw.run, n // 4)
    for i in range(trials):
        pair = [(neg_rates, engine.run), (raw_rates, raw.run)]
        if i % 2:
            pair.reverse()
        for rates, fn in pair:
            rates.append(_rate(fn, n))
    return neg_rates, raw_rates, trace.path


def time_explain(trials: int) -> list[tuple[str, int, int, bool, float]]:
    """(case, runs, minimal sets, complete, median seconds) for explain on the article and synthetic deals."""
    import tempfile
    from datetime import datetime, timedelta, timezone

    import negsim
    from negsim.explain import explain

    sys.path.insert(0, str(ROOT / "tests"))
    from synthetic import one_step, stages

    article = negsim.load(SCENARIO)
    by = datetime(2016, 12, 14, 15, 0, tzinfo=timezone(timedelta(hours=2)))
    folder = tempfile.mkdtemp(prefix="negsim-bench-")
    synthetic = {}
    for name, text in (("stages", stages(10)), ("one-step", one_step(20))):
        path = os.path.join(folder, name + ".yaml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        synthetic[name] = negsim.load(path)
    cases = [
        ("article: --reach evacuating --levers", lambda: explain(article, "evacuating", levers=True)),
        ("article: --reach renegotiated --by 15:00", lambda: explain(article, "renegotiated", by)),
        (
            "article: same, --levers --max-size 10",
            lambda: explain(article, "renegotiated", by, levers=True, max_size=10),
        ),
        ("20 conditions, 10 stages x 2 routes", lambda: explain(synthetic["stages"], "s10", max_size=10)),
        ("20 conditions on one step", lambda: explain(synthetic["one-step"], "signed", max_size=20)),
    ]
    out = []
    for label, fn in cases:
        times = []
        result = None
        for _ in range(trials):
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        assert result is not None
        out.append((label, result.runs, len(result.solutions), result.complete, statistics.median(times)))
    return out


# --- report ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a fast smoke run with few repetitions")
    ap.add_argument("--rounds", type=int, help="start-up rounds per command (default 40, quick 5)")
    ap.add_argument("--trials", type=int, help="in-process trials per side (default 15, quick 3)")
    ap.add_argument(
        "--instructions", action="store_true", help="also count start-up instructions under valgrind (slow, noise-free)"
    )
    args = ap.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 40)
    trials = args.trials or (3 if args.quick else 15)
    seconds = 0.05 if args.quick else 0.3

    sys.path.insert(0, str(ROOT))
    print("negsim replay benchmark" + (" (--quick: few repetitions, figures are rough)" if args.quick else ""))
    for key, val in describe_machine():
        print(f"  {key:<7} {val}")
    cmds = startup_commands()
    print()

    check_startup_output(cmds)
    times, cpus = time_startup(cmds, rounds)
    base_label = cmds[-1][0]
    base = statistics.median(times[base_label])
    base_cpu = statistics.median(cpus[base_label])
    print(f"1. Start-up: per command, median of {rounds} interleaved rounds (stdout discarded)")
    print(f"   {'command':<26} {'wall':>8} {'min':>8} {'ratio':>6}  {'cpu':>8} {'ratio':>6}  target (wall ratio)")
    for label, _ in cmds:
        med, cpu = statistics.median(times[label]), statistics.median(cpus[label])
        ratio = med / base
        verdict = "" if label == base_label else f"<= {STARTUP_TARGET}  {'ok' if ratio <= STARTUP_TARGET else 'MISSED'}"
        print(
            f"   {label:<26} {med * 1e3:>6.1f}ms {min(times[label]) * 1e3:>6.1f}ms {ratio:>5.2f}x"
            f"  {cpu * 1e3:>6.1f}ms {cpu / base_cpu:>5.2f}x  {verdict}"
        )
    first = cmds[0][0]
    paired = statistics.median(a / b for a, b in zip(times[first], times[base_label]))
    print(f"   median of per-round wall ratios for '{first}': {paired:.2f}x")
    if args.instructions:
        counts = count_instructions(cmds)
        if counts is None:
            print("   (instruction counts: valgrind not available or failed)")
        else:
            base_ir = counts[base_label]
            print("   instructions (valgrind callgrind, one run each, PYTHONHASHSEED=0):")
            for label, n in counts.items():
                print(f"   {label:<26} {n / 1e6:>8.1f}M {n / base_ir:>5.2f}x")
    print()

    neg, raw, path = time_replays(trials, seconds)
    neg_med, raw_med = statistics.median(neg), statistics.median(raw)
    overhead = raw_med / neg_med
    print(f"2. In-process replays of {SCENARIO}, runs/s, median of {trials} interleaved trials")
    print(f"   {'driver':<28} {'runs/s':>9} {'us/run':>9}")
    print(f"   {'negsim Engine.run (reused)':<28} {neg_med:>9.0f} {1e6 / neg_med:>9.1f}")
    print(f"   {'raw transitions.Machine':<28} {raw_med:>9.0f} {1e6 / raw_med:>9.1f}")
    print(
        f"   ratio negsim/raw = {neg_med / raw_med:.2f} (overhead raw/negsim = {overhead:.2f}x, target <= {REPLAY_TARGET}"
        f"  {'ok' if overhead <= REPLAY_TARGET else 'MISSED'})"
    )
    print(f"   both end in '{path[-1]}' by the same path: {' > '.join(path)}")
    print()

    explain_trials = 1 if args.quick else 3
    print(f"3. negsim explain, in process, median of {explain_trials} run(s)")
    print(f"   {'case':<42} {'runs':>6} {'sets':>6} {'complete':>9} {'time':>9}")
    for label, runs, sets, complete, seconds_taken in time_explain(explain_trials):
        print(f"   {label:<42} {runs:>6} {sets:>6} {str(complete):>9} {seconds_taken * 1e3:>7.1f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

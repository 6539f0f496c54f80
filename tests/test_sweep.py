"""Sweeps: reproducible whatever the workers and chunks, right in distribution, and their CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

import negsim
from negsim.cli import cli
from negsim.render.sweep import render_sweep_json, render_sweep_text
from negsim.sample import run_seed
from negsim.sweep import parse_grid, sweep, wilson

from .test_cli import negsim_cmd

# open -a-> mid -b-> done: 'a' happens with P1; 'b' with P2 and needs 'ok', drawn true with weight 1 of 4
P1, P2, P_OK = 0.6, 0.5, 0.25
CLOSED_FORM = f"""\
negsim: 1
id: closed-form
title: Known probabilities
timezone: "+00:00"
facts:
  ok:
    value: false
    draw: {{choice: [true, false], weights: [1, 3]}}
deal:
  initial: open
  states: {{open: Open, mid: Halfway, done: Done}}
  transitions:
    - {{trigger: a, from: open, to: mid}}
    - {{trigger: b, from: mid, to: done, when: ok}}
timeline:
  - {{at: 2020-01-01T10:00, id: first, trigger: a, p: {P1}, jitter: 30m}}
  - {{at: 2020-01-01T12:00, id: second, trigger: b, p: {P2}}}
"""
TRUE = {"open": 1 - P1, "mid": P1 * (1 - P2 * P_OK), "done": P1 * P2 * P_OK}


@pytest.fixture
def closed_form(write) -> negsim.Scenario:
    return negsim.load(write(CLOSED_FORM))


def test_the_95_percent_intervals_cover_the_true_probabilities(closed_form):
    covered = total = 0
    for seed in range(40):
        result = sweep(closed_form, 2_000, seed)
        finals = dict(result.points[0].finals)
        for state, p in TRUE.items():
            total += 1
            covered += finals[state].low <= p <= finals[state].high
    # 95% intervals: about 114 of 120; a wrong interval or a biased sampler falls far below
    assert covered >= 0.9 * total, f"{covered} of {total}"


def test_shares_converge_on_the_true_probabilities(closed_form):
    finals = dict(sweep(closed_form, 40_000, 3).points[0].finals)
    for state, p in TRUE.items():
        assert abs(finals[state].share - p) < 0.01


def test_wilson_interval():
    assert wilson(0, 10).low == 0.0 and 0.27 < wilson(0, 10).high < 0.28
    s = wilson(50, 100)
    assert (round(s.low, 4), round(s.high, 4)) == (0.4038, 0.5962)
    assert wilson(0, 0) == (0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize(("workers", "chunk"), [(1, None), (1, 7), (2, None), (2, 333), (3, 1000)])
def test_the_same_seed_gives_the_same_bytes_whatever_the_workers_and_chunks(workers, chunk):
    sc = negsim.load("aleppo-uncertain")
    rows: list[str] = []
    result = sweep(sc, 3_000, 11, grid=[("wanted_fighters_handed_over", (False, True))], reach="reinstated",
                   workers=workers, chunk=chunk, rows=rows.append)
    reference_rows: list[str] = []
    reference = sweep(sc, 3_000, 11, grid=[("wanted_fighters_handed_over", (False, True))], reach="reinstated",
                      rows=reference_rows.append)
    assert render_sweep_json(result) == render_sweep_json(reference)
    assert render_sweep_text(result) == render_sweep_text(reference)
    assert "".join(rows) == "".join(reference_rows)


def test_a_different_seed_gives_different_runs():
    sc = negsim.load("aleppo-uncertain")
    assert render_sweep_json(sweep(sc, 2_000, 1)) != render_sweep_json(sweep(sc, 2_000, 2))


def test_grid_points_share_their_runs_seeds():
    sc = negsim.load("aleppo-uncertain")
    rows: list[str] = []
    sweep(sc, 50, 5, grid=[("checkpoints_open", (True, False))], rows=rows.append)
    lines = "".join(rows).splitlines()
    first, second = lines[:50], lines[50:]
    assert [r.split(",")[:2] for r in first] == [r.split(",")[:2] for r in second]
    assert {r.split(",")[2] for r in first} == {"checkpoints_open=true"}


def test_an_interrupted_sweep_reports_the_runs_that_finished(closed_form):
    seen = []

    def progress(n: int) -> None:
        seen.append(n)
        if len(seen) == 2:
            raise KeyboardInterrupt

    result = sweep(closed_form, 10_000, 1, chunk=2_000, progress=progress)
    assert not result.complete
    assert result.points[0].runs == 4_000
    assert "INTERRUPTED" in render_sweep_text(result)


def test_grid_parsing_is_typed_and_checked(article):
    assert parse_grid(["checkpoints_open=true,false,true", "evacuees_sought=2000,10000"], article) == [
        ("checkpoints_open", (True, False)),
        ("evacuees_sought", (2000, 10000)),
    ]
    for bad, message in [
        ("checkpoints_open", "--grid needs FACT=V1,V2,..., such as --grid checkpoints_open=true,false; got 'checkpoints_open'"),
        ("checkpoints_open=maybe", "--grid: 'checkpoints_open' is true or false, not 'maybe'"),
        ("checkpoint_open=true", "--grid: unknown fact 'checkpoint_open'; did you mean 'checkpoints_open'?"),
    ]:
        with pytest.raises(negsim.UsageError) as err:
            parse_grid([bad], article)
        assert str(err.value) == message
    with pytest.raises(negsim.UsageError, match="'shelling' is given twice"):
        parse_grid(["shelling=true", "shelling=false"], article)


# --- the command line ----------------------------------------------------------------


def test_sweep_prints_the_table():
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", "--runs", "2000", "--seed", "1", "--reach", "reinstated", "--workers", "1"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Aleppo evacuation deal, 13-15 December 2016\naleppo-2016-12 - 2,000 runs - seed 1")
    for heading in ("Final state - share of runs (95% interval)", "States visited", "Reaching reinstated", "Blocked a step"):
        assert heading in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_sweep_json_has_the_documented_keys():
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", "--runs", "500", "--format", "json", "--workers", "1"])
    data = json.loads(result.stdout)
    assert list(data) == ["negsim_version", "scenario", "title", "scenario_sha256", "utc_offset", "whatifs", "drawn",
                          "runs", "seed", "reach", "complete", "points"]
    point = data["points"][0]
    assert list(point) == ["label", "set", "runs", "final_states", "visited", "reach", "blocked"]
    assert sum(f["runs"] for f in point["final_states"]) == 500
    assert list(point["final_states"][0]) == ["state", "runs", "share", "ci95"]


def test_csv_has_one_row_per_run_and_a_seed_replays_to_the_same_path(tmp_path):
    out = tmp_path / "runs.csv"
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", "--runs", "300", "--seed", "4", "--reach", "reinstated",
                                      "--csv", str(out), "--grid", "shelling=false"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["run", "seed", "point", "final_state", "path", "reached", "time_reached"]
    assert len(rows) == 300 and [r["run"] for r in rows] == [str(i) for i in range(300)]
    assert all(r["seed"] == str(run_seed(4, int(r["run"]))) for r in rows)
    for row in rows[:25]:
        trace = negsim.replay(negsim.load("aleppo-uncertain", set=("shelling=false",)), int(row["seed"]))
        assert ">".join(trace.path) == row["path"] and trace.final_state == row["final_state"]
        assert row["reached"] == ("true" if "reinstated" in trace.path else "false")
    # and through the real command
    row = rows[0]
    proc = negsim_cmd("replay", "aleppo-uncertain", "--set", "shelling=false", "--seed", row["seed"], "--format", "json")
    assert ">".join(json.loads(proc.stdout)["path"]) == row["path"]


def test_sweep_never_overwrites_a_csv(tmp_path):
    out = tmp_path / "runs.csv"
    out.write_text("mine\n")
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", "--runs", "10", "--csv", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {out} already exists; use --force to overwrite it\n"
    assert out.read_text() == "mine\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reach", "evacuted"], "Error: --reach: unknown state 'evacuted'; did you mean 'evacuating'? (states: negotiating, agreed, buses_staged, evacuating, turned_back, collapsed, renegotiated, reinstated)\n"),
        (["--runs", "0"], "Error: Invalid value for '--runs': 0 is not in the range 1<=x<=100000000; see 'negsim sweep --help'\n"),
        (["--grid", "shelling"], "Error: --grid needs FACT=V1,V2,..., such as --grid checkpoints_open=true,false; got 'shelling'\n"),
    ],
)
def test_sweep_usage_errors_are_one_line(args, message):
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", *args], prog_name="negsim")
    assert result.exit_code == 2
    assert result.stderr == message


def test_a_certain_scenario_sweeps_with_a_note():
    result = CliRunner().invoke(cli, ["sweep", "aleppo-2016-12", "--runs", "100"])
    assert result.exit_code == 0
    assert result.stderr == "note: 'aleppo-2016-12' draws nothing at random, so every run is the same\n"
    assert "  reinstated      100.0% (96.3-100)" in result.stdout


def test_replaying_an_uncertain_scenario_asks_for_a_seed():
    result = CliRunner().invoke(cli, ["replay", "aleppo-uncertain"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'aleppo-uncertain' leaves 6 things to chance (fact 'checkpoints_open' is drawn, ...); give --seed N "
        "to run one sampled run, or run many with 'negsim sweep'\n"
    )


def test_sweep_as_a_real_subprocess_is_byte_identical_across_worker_counts():
    one = negsim_cmd("sweep", "aleppo-uncertain", "--runs", "4000", "--seed", "9", "--workers", "1", "--format", "json")
    two = negsim_cmd("sweep", "aleppo-uncertain", "--runs", "4000", "--seed", "9", "--workers", "2", "--format", "json")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout and one.stderr == two.stderr == b""


def test_reach_times_are_quartiles_of_the_jittered_times(closed_form):
    point = sweep(closed_form, 20_000, 2, reach="mid").points[0]
    assert abs(point.reached.share - P1) < 0.015
    q1, median, q3 = (t.strftime("%H:%M") for t in point.reach_times)
    # 'first' is at 10:00, moved uniformly by up to 30 minutes either way
    assert (q1, median, q3) in {(a, b, c) for a in ("09:44", "09:45", "09:46") for b in ("09:59", "10:00", "10:01") for c in ("10:14", "10:15", "10:16")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv", "-"], "Error: --csv needs a file name: the table goes to the terminal, the rows to the file\n"),
        (["--set", "checkpoints_open=true", "--grid", "checkpoints_open=false,true"],
         "Error: --grid: 'checkpoints_open' is also given with --set; use one or the other\n"),
    ],
)
def test_sweep_refuses_conflicting_outputs_and_facts(args, message):
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", *args])
    assert result.exit_code == 2
    assert result.stderr == message


def test_sweep_refuses_the_same_file_for_table_and_rows(tmp_path):
    same = tmp_path / "same.txt"
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", "--csv", str(same), "-o", str(same)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: -o and --csv both name {same}; give them different files\n"
    assert not same.exists()


def test_sweep_refuses_an_existing_output_before_running(tmp_path):
    out = tmp_path / "table.txt"
    out.write_text("mine\n")
    result = CliRunner().invoke(cli, ["sweep", "aleppo-uncertain", "--runs", "100000000", "-o", str(out)])
    assert result.exit_code == 2  # at once: a hundred million runs were not made first
    assert result.stderr == f"Error: {out} already exists; use --force to overwrite it\n"


def test_sigterm_stops_a_sweep_cleanly_and_leaves_no_files(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "negsim", "sweep", "aleppo-uncertain", "--runs", "5000000", "--workers", "2", "--quiet", "--csv", "rows.csv"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".negsim-*.tmp")) and time.monotonic() < deadline:  # the sweep is under way
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode().endswith("Interrupted: rows.csv was not written.\n")
    assert list(tmp_path.iterdir()) == []

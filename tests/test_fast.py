"""The fast path against the transitions Machine: identical traces, by differential testing."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import negsim
from negsim import yamlsource
from negsim.engine import Engine
from negsim.fast import FastEngine, flat_table
from negsim.scenario import build
from negsim.trace import FIRED, OTHERWISE

from .synthetic import random_scenario


def scenario_from(seed: int, uncertain: bool = True) -> negsim.Scenario:
    text = random_scenario(random.Random(seed), uncertain=uncertain)
    return build(yamlsource.parse(text, "random.yaml"), "random.yaml")


def summary(trace: negsim.Trace) -> tuple:
    """What a sweep keeps of a run, read off a full trace."""
    blocked = {}
    for s in trace.steps:
        blocked.update(dict.fromkeys(s.blocked_by))
    return trace.path, tuple(blocked)


@settings(max_examples=150, deadline=None)
@given(scenario_seed=st.integers(0, 10**6), run_seeds=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=8))
def test_fast_traces_equal_machine_traces_on_random_scenarios(scenario_seed, run_seeds):
    sc = scenario_from(scenario_seed)
    machine, fast = Engine(sc), FastEngine(sc)
    for seed in run_seeds:
        expected = machine.run(seed)
        assert fast.run(seed) == expected
        outcome = fast.outcome(seed)
        assert (outcome.path, outcome.blocked) == summary(expected)
        # when each state was reached: the time of the step that fired into it
        reached = [s.at for s in expected.steps if s.outcome in (FIRED, OTHERWISE)]
        first = sc.timeline[0].at
        assert [first + timedelta(minutes=m) for m in outcome.minutes[1:]] == reached


@settings(max_examples=60, deadline=None)
@given(scenario_seed=st.integers(0, 10**6))
def test_fast_path_agrees_without_uncertainty_and_under_whatifs(scenario_seed):
    sc = scenario_from(scenario_seed, uncertain=False)
    party = sorted(sc.parties)[0]
    for changed in (sc, negsim.apply(sc, [negsim.whatif.Without(party)])):
        assert FastEngine(changed).run() == Engine(changed).run()
        assert FastEngine(changed).outcome().path == Engine(changed).run().path


@pytest.mark.parametrize("name", [b.id for b in negsim.bundled() if b.kind != "exercise"])
def test_fast_path_agrees_on_every_bundled_scenario_and_variant(name):
    sc = negsim.load(name)
    machine, fast = Engine(sc), FastEngine(sc)
    for seed in range(40) if sc.uncertain else (None,):
        assert fast.run(seed) == machine.run(seed)


def test_the_table_is_read_from_the_machine(article):
    engine = Engine(article)
    table = flat_table(engine.machine)
    assert set(table) == {(src, t.trigger) for t in article.transitions for src in t.sources}
    assert [dest for dest, _ in table[("buses_staged", "collapse")]] == ["collapsed"]
    # the condition callables are the Machine's own
    machine_conditions = {c.func for ev in engine.machine.events.values() for ts in ev.transitions.values() for t in ts for c in t.conditions}
    assert {cond for entries in table.values() for _, cond in entries} == machine_conditions


def test_the_memo_returns_the_same_course_for_the_same_draws():
    sc = negsim.load("aleppo-uncertain")
    fast = FastEngine(sc)
    courses = {id(fast.play(seed)[0]) for seed in range(2000)}
    # 2 fact values x 2^3 chances x a handful of orders: far fewer courses than runs
    assert len(courses) < 100
    assert all(fast.play(seed)[0].memo for seed in range(10))


def test_a_run_that_fires_every_step_records_them(article):
    trace = FastEngine(article).run()
    assert trace == Engine(article).run()
    assert any(s.outcome == FIRED for s in trace.steps)

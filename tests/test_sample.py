"""Uncertainty in the format, and drawing runs from seeds."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import negsim
from negsim.engine import Engine
from negsim.errors import RunError
from negsim.model import Draw
from negsim.sample import Sampler, drawer, run_seed
from negsim.trace import ABSENT

from .conftest import MINIMAL

UNCERTAIN = MINIMAL.replace(
    "  count: 2\n", "  count:\n    value: 2\n    draw: {uniform: [1, 3]}\n"
).replace("    id: first_try\n", "    id: first_try\n    p: 0.5\n    jitter: 90m\n")


def test_an_uncertain_scenario_loads_with_its_draws(write):
    sc = negsim.load(write(UNCERTAIN))
    assert sc.facts["count"].draw == Draw("uniform", low=1, high=3)
    first = sc.timeline[0]
    assert (first.p, first.jitter) == (0.5, 90)
    assert sc.uncertain == (
        "fact 'count' is drawn",
        "event 'first_try' happens with p=0.5",
        "event 'first_try' moves by up to 1h30m",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    p: 0.5\n", "    p: 1.5\n"), "30:8: 'p' of event 'first_try' must be a probability between 0 and 1, not '1.5'"),
        (("    p: 0.5\n", "    p: often\n"), "30:8: 'p' of event 'first_try' must be a number, not string 'often'"),
        (("    jitter: 90m\n", "    jitter: 90\n"), "31:13: 'jitter' of event 'first_try' must be a duration such as '30m', '2h' or '1h30m', not integer '90'"),
        (("    jitter: 90m\n", "    jitter: 200h\n"), "31:13: 'jitter' of event 'first_try' is longer than a week (168h)"),
        (("{uniform: [1, 3]}", "{uniform: [3, 1]}"), "9:21: 'draw' of fact 'count': 'uniform' needs low < high, not [3, 1]"),
        (("{uniform: [1, 3]}", "{uniform: [1.5, 3]}"), "9:21: 'draw' of fact 'count': 'count' is an integer fact, so 'uniform' needs whole numbers"),
        (("{uniform: [1, 3]}", "{uniform: [1]}"), "9:21: 'draw' of fact 'count': 'uniform' needs two numbers, [low, high]"),
        (("{uniform: [1, 3]}", "{normal: [2, 1]}"), "9:11: 'draw' of fact 'count' is missing the required key 'between'"),
        (("{uniform: [1, 3]}", "{normal: [2, 0], between: [0, 4]}"), "9:20: 'draw' of fact 'count': the sd of 'normal' must be above 0, not 0"),
        (("{uniform: [1, 3]}", "{choice: [1, two]}"), "9:24: 'draw' of fact 'count': the choice two is a string, but 'count' is an integer fact"),
        (("{uniform: [1, 3]}", "{choice: [1, 1]}"), "9:24: 'draw' of fact 'count': the choice 1 is listed twice"),
        (("{uniform: [1, 3]}", "{choice: [1, 2], weights: [1]}"), "9:37: 'draw' of fact 'count': 1 weight for 2 choices; give one weight per choice"),
        (("{uniform: [1, 3]}", "{choice: [1, 2], weights: [0, 0]}"), "9:37: 'draw' of fact 'count': weights must be 0 or more, and not all 0"),
        (("{uniform: [1, 3]}", "{uniform: [1, 3], choice: [1]}"), "9:11: 'draw' of fact 'count' needs exactly one of 'choice', 'uniform' or 'normal'"),
        (("{uniform: [1, 3]}", "{poisson: 3}"), "9:12: unknown key 'poisson' in 'draw' of fact 'count'; allowed keys: between, choice, normal, uniform, weights"),
    ],
)
def test_bad_uncertainty_gets_an_exact_message(write, change, message):
    path = write(UNCERTAIN.replace(*change))
    with pytest.raises(negsim.ScenarioError) as err:
        negsim.load(path)
    assert f"{path}:{message}" in [str(p) for p in err.value.problems]


def test_a_string_fact_cannot_be_drawn_from_numbers(write):
    path = write(MINIMAL.replace("  ready: false\n", "  ready:\n    value: false\n    draw: {uniform: [0, 1]}\n"))
    with pytest.raises(negsim.ScenarioError) as err:
        negsim.load(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:8:21: 'draw' of fact 'ready': 'uniform' draws numbers, but 'ready' is a boolean fact; use 'choice'"
    ]


def test_an_uncertain_run_needs_a_seed_and_the_seed_fixes_it(write):
    sc = negsim.load(write(UNCERTAIN))
    with pytest.raises(RunError, match="has uncertain parts; give a seed"):
        negsim.replay(sc)
    traces = [negsim.replay(sc, seed) for seed in range(200)]
    assert traces[7] == negsim.replay(sc, 7)
    # first_try is absent, or blocked, or (moved after alpha_ready, which signs) no longer possible
    assert {s.outcome for t in traces for s in t.steps if s.event == "first_try"} == {ABSENT, "blocked", "invalid"}
    assert {dict(t.facts)["count"] for t in traces} == {1, 2, 3}
    assert all(t.seed == i for i, t in enumerate(traces))


def test_jitter_moves_events_and_keeps_them_in_time_order(write):
    sc = negsim.load(write(UNCERTAIN.replace("    jitter: 90m\n", "    jitter: 2h\n")))
    orders = set()
    for seed in range(300):
        trace = negsim.replay(sc, seed)
        assert [s.at for s in trace.steps] == sorted(s.at for s in trace.steps)
        orders.add(tuple(s.event for s in trace.steps))
        shift = (trace.steps[[s.event for s in trace.steps].index("first_try")].at - sc.timeline[0].at).total_seconds() / 60
        assert -120 <= shift <= 120 and shift == int(shift)
    assert orders == {("first_try", "alpha_ready"), ("alpha_ready", "first_try")}


def test_a_certain_scenario_ignores_the_seed_but_records_it(article):
    assert negsim.replay(article, 5)._replace(seed=None) == negsim.replay(article)
    assert negsim.replay(article, 5).seed == 5


@given(seed=st.integers(0, 2**64 - 1), index=st.integers(0, 10**9))
def test_run_seeds_are_64_bit_and_depend_on_both_inputs(seed, index):
    s = run_seed(seed, index)
    assert 0 <= s < 2**64
    assert s != run_seed(seed, index + 1)
    assert s == run_seed(seed, index)


@given(u=st.floats(0, 1, exclude_max=True))
def test_drawers_stay_in_their_bounds(u):
    assert drawer(Draw("uniform", low=1, high=3), "integer")(u) in (1, 2, 3)
    assert 1.0 <= drawer(Draw("uniform", low=1.0, high=3.0), "number")(u) <= 3.0
    assert 0 <= drawer(Draw("normal", low=0, high=4, mean=2, sd=3), "integer")(u) <= 4
    assert -1.0 <= drawer(Draw("normal", low=-1, high=1, mean=5, sd=1), "number")(u) <= 1.0
    assert drawer(Draw("choice", values=("a", "b", "c"), weights=(1, 0, 1)), "string")(u) in ("a", "c")


def test_choice_weights_give_the_shares():
    choose = drawer(Draw("choice", values=(True, False), weights=(1, 3)), "boolean")
    picks = [choose(i / 10_000) for i in range(10_000)]
    assert picks.count(True) == 2_500


def test_a_draw_does_not_move_when_other_elements_change():
    sc = negsim.load("aleppo-uncertain")
    changed = negsim.apply(sc, [negsim.whatif.SetFact("checkpoints_open", True), negsim.whatif.Skip("wounded_offer")])
    a, b = Sampler(sc), Sampler(changed)
    for seed in (run_seed(1, i) for i in range(200)):
        da, db = a.draw(seed), b.draw(seed)
        ia = [e.id for e in sc.timeline].index("russian_pressure")
        ib = [e.id for e in changed.timeline].index("russian_pressure")
        assert (da.happened[ia], da.minutes[ia]) == (db.happened[ib], db.minutes[ib])


def test_set_fixes_a_drawn_fact():
    sc = negsim.load("aleppo-uncertain", set=("checkpoints_open=true",))
    assert sc.facts["checkpoints_open"].draw is None
    assert {negsim.replay(sc, s).final_state for s in range(50)} == {"evacuating"}


def test_the_engine_and_the_sample_agree_on_absent_events():
    sc = negsim.load("aleppo-uncertain")
    engine = Engine(sc)
    for seed in range(100):
        sample = engine.sampler.draw(seed)
        trace = engine.run(seed)
        absent = {s.event for s in trace.steps if s.outcome == ABSENT}
        assert absent == {sc.timeline[i].id for i, h in enumerate(sample.happened) if not h}


@given(seed=st.integers(0, 2**64 - 1), start=st.integers(0, 10**6), n=st.integers(0, 20))
def test_the_inlined_seed_and_uniform_loops_match_the_reference(seed, start, n):
    from negsim.sample import _uniform, run_seeds

    assert run_seeds(seed, start, start + n) == [run_seed(seed, i) for i in range(start, start + n)]
    sampler = _uncertain_sampler()
    facts, happened, _, minutes = sampler.parts(seed)
    (fid, fn, key), = sampler.facts
    assert facts == ((fid, fn(_uniform(seed, key))),)
    for i, p, key in sampler.chances:
        assert happened[i] == (_uniform(seed, key) < p)
    for i, j, key in sampler.jitters:
        assert minutes[i] == int(_uniform(seed, key) * (2 * j + 1)) - j


@functools.cache
def _uncertain_sampler() -> Sampler:
    return Sampler(negsim.load("aleppo-uncertain"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    p: 0.5\n", "    p: .nan\n"), "30:8: 'p' of event 'first_try' must be a finite number, not '.nan'"),
        (("    p: 0.5\n", "    p: 1e-3\n"), "30:8: 'p' of event 'first_try' must be a number; YAML reads '1e-3' as text: write it with a decimal point, such as 1.0e-3"),
        (("    jitter: 90m\n", "    jitter: 100000h\n"), "31:13: 'jitter' of event 'first_try' is longer than a week (168h)"),
    ],
)
def test_numbers_yaml_reads_oddly_get_a_plain_message(write, change, message):
    path = write(UNCERTAIN.replace(*change))
    with pytest.raises(negsim.ScenarioError) as err:
        negsim.load(path)
    assert f"{path}:{message}" in [str(p) for p in err.value.problems]

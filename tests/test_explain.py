"""Counterfactual search on scenarios whose minimal sets are known by construction."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

import negsim
from negsim.cli import cli
from negsim.explain import explain

from .synthetic import stages

UTC = timezone.utc


def labels(result) -> list[list[str]]:
    return [[c.label for c in s.changes] for s in result.solutions]


TWO_WAYS = """\
negsim: 1
id: two-ways
title: Two ways to a deal
timezone: "+00:00"
facts:
  a_ok: false
  b_ok: false
  c_ok: false
  votes: {value: 3, levers: [5, 10]}
parties:
  alpha:
    name: Alpha
    conditions:
      a1: {text: First demand, when: a_ok}
      a2: {text: Second demand, when: b_ok}
  beta:
    name: Beta
    conditions:
      b1: {text: Beta's demand, when: c_ok}
deal:
  initial: open
  states:
    open: Talks
    signed: Signed
    ratified: Ratified
  transitions:
    - {trigger: sign, from: open, to: signed, consent: [alpha]}
    - {trigger: sign_alt, from: open, to: signed, consent: [beta]}
    - {trigger: ratify, from: signed, to: ratified, when: votes >= 10}
timeline:
  - {at: 2020-01-01T10:00, id: t1, trigger: sign}
  - {at: 2020-01-01T11:00, id: t2, trigger: sign_alt}
  - {at: 2020-01-01T12:00, id: t3, trigger: ratify}
"""


def test_two_disjoint_minimal_sets(write):
    sc = negsim.load(write(TWO_WAYS))
    result = explain(sc, "signed")
    assert labels(result) == [["without beta.b1"], ["without alpha.a1", "without alpha.a2"]]
    assert result.complete
    first = result.solutions[0]
    assert (first.event, first.reached_at) == ("t2", datetime(2020, 1, 1, 11, 0, tzinfo=UTC))


def test_deadline_excludes_later_routes(write):
    sc = negsim.load(write(TWO_WAYS))
    result = explain(sc, "signed", datetime(2020, 1, 1, 10, 30, tzinfo=UTC))
    assert labels(result) == [["without alpha.a1", "without alpha.a2"]]


def test_no_set_exists_when_only_a_guard_stands_in_the_way(write):
    sc = negsim.load(write(TWO_WAYS))
    result = explain(sc, "ratified")
    assert result.solutions == () and result.complete
    text = CliRunner().invoke(cli, ["explain", write(TWO_WAYS, "t.yaml"), "--reach", "ratified"]).stdout
    assert "No set of changes lets the deal reach 'ratified'" in text
    assert text.endswith("Try again with --levers to also change the scenario's lever facts.\n")


def test_levers_open_the_guard(write):
    sc = negsim.load(write(TWO_WAYS))
    result = explain(sc, "ratified", levers=True)
    assert labels(result) == [
        ["without beta.b1", "set votes=10"],
        ["without alpha.a1", "without alpha.a2", "set votes=10"],
    ]


def test_stages_find_every_combination_and_only_those(write):
    k = 4
    sc = negsim.load(write(stages(k)))
    result = explain(sc, f"s{k}")
    expected = sorted(
        sorted(f"without {p}{i}.ok" for i, p in enumerate(choice)) for choice in itertools.product("ab", repeat=k)
    )
    assert sorted(labels(result)) == expected
    assert result.complete
    # guided by the blocks, not all 2**(2k) subsets of the 2k conditions
    assert result.runs < 2 ** (2 * k)


def test_every_reported_set_is_minimal_and_works(write):
    sc = negsim.load(write(TWO_WAYS))
    result = explain(sc, "ratified", levers=True)
    for s in result.solutions:
        assert negsim.replay(negsim.apply(sc, [c.op() for c in s.changes])).path[-1] == "ratified"
        for smaller in itertools.combinations(s.changes, len(s.changes) - 1):
            trace = negsim.replay(negsim.apply(sc, [c.op() for c in smaller]))
            assert "ratified" not in trace.path


def test_baseline_already_reaches(write):
    sc = negsim.load("aleppo-2016-12")
    result = explain(sc, "reinstated")
    assert labels(result) == [[]] and result.runs == 1
    out = CliRunner().invoke(cli, ["explain", "aleppo-2016-12", "--reach", "reinstated"]).stdout
    assert "The baseline already reaches reinstated at Wed 14 Dec 23:30 (ceasefire_reinstated)" in " ".join(out.split())


def test_article_dawn_evacuation(article):
    tz = timezone(timedelta(hours=2))
    result = explain(article, "evacuating", datetime(2016, 12, 14, 6, 0, tzinfo=tz), levers=True)
    assert labels(result) == [["without militias.open_checkpoints"], ["set checkpoints_open=true"]]
    assert result.complete


def test_article_afternoon_renegotiation_needs_every_added_demand_gone(article):
    tz = timezone(timedelta(hours=2))
    result = explain(article, "renegotiated", datetime(2016, 12, 14, 15, 0, tzinfo=tz))
    assert labels(result) == [
        [
            "without government.evacuee_cap",
            "without government.hostages",
            "without government.wanted_fighters",
            "without iran.foua_kfraya",
            "without iran.iranian_remains",
        ]
    ]


def test_cli_json_and_bad_options():
    runner = CliRunner()
    result = runner.invoke(cli, ["explain", "aleppo-2016-12", "--reach", "evacuating", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["minimal_sets"][0]["changes"] == [
        {
            "kind": "drop",
            "condition": "militias.open_checkpoints",
            "text": "The militias manning the checkpoints let the buses and ambulances through",
        }
    ]
    assert data["complete"] is True and data["baseline_reaches"] is False
    bad = runner.invoke(cli, ["explain", "aleppo-2016-12", "--reach", "evacuatin"])
    assert bad.exit_code == 2 and "did you mean 'evacuating'?" in bad.stderr
    bad_time = runner.invoke(cli, ["explain", "aleppo-2016-12", "--reach", "evacuating", "--by", "dawn"])
    assert bad_time.exit_code == 2
    assert bad_time.stderr == "Error: --by needs a local date and time such as 2016-12-14T06:00, not 'dawn'\n"


DECIDE = """\
negsim: 1
id: decide
title: Accept or reject
timezone: "+00:00"
facts: {ok: false}
parties:
  alpha: {name: Alpha, conditions: {ok: {text: Alpha is satisfied, when: ok}}}
deal:
  initial: open
  states: {open: Open, signed: Signed, rejected: Rejected}
  transitions:
    - {trigger: decide, from: open, to: signed, consent: [alpha]}
    - {trigger: decide, from: open, to: rejected}
timeline:
  - {at: 2020-01-01T10:00, id: vote, trigger: decide}
"""


def test_a_trigger_with_two_transitions_reports_what_blocked_the_first(write):
    path = write(DECIDE)
    trace = negsim.replay(negsim.load(path))
    (step,) = trace.steps
    assert (step.fired, step.to_state) == (True, "rejected")
    assert [(b.party, b.condition) for b in step.attempts[0].passed_over] == [("alpha", "ok")]
    assert negsim.to_dict(trace)["steps"][0]["passed_over"][0]["condition"] == "ok"
    assert labels(explain(negsim.load(path), "signed")) == [["without alpha.ok"]]


def test_by_with_another_offset_is_shown_in_local_time():
    out = CliRunner().invoke(
        cli, ["explain", "aleppo-2016-12", "--reach", "renegotiated", "--by", "2016-12-14T14:00-05:00"]
    ).stdout
    assert out.startswith("Which changes would let aleppo-2016-12 reach 'renegotiated' by Wed 14 Dec 2016\n21:00?")


def test_compare_names_a_condition_that_blocked_an_earlier_transition(write):
    path = write(DECIDE)
    result = CliRunner().invoke(cli, ["compare", path, "--without", "alpha.ok", "--format", "json"])
    fork = json.loads(result.stdout)["variants"][0]["fork"]
    assert fork["event"] == "vote"
    assert [b["condition"] for b in fork["blocked_only_in_baseline"]] == ["ok"]


def test_explain_says_which_limit_stopped_it(write):
    sc = negsim.load(write(stages(6)))
    by_runs = explain(sc, "s6", max_runs=10)
    assert (by_runs.complete, by_runs.stopped_by_runs) == (False, True)
    from negsim.render.explain import render_explain_text

    assert "stopped after 10 runs" in " ".join(render_explain_text(by_runs, sc).split())
    by_size = explain(sc, "s6", max_size=3)
    assert (by_size.complete, by_size.stopped_by_runs, by_size.solutions) == (False, False, ())
    text = " ".join(render_explain_text(by_size, sc).split())
    assert "stopped at sets of 3 changes; raise --max-size to look further" in text
    assert "No set of changes was found that lets the deal reach 's6' within the limits." in text


def test_explain_text_names_the_whatifs_it_starts_from():
    out = CliRunner().invoke(cli, ["explain", "aleppo-no-wounded-offer", "--reach", "reinstated"]).stdout
    assert out.splitlines()[1] == "With: variant aleppo-no-wounded-offer: skip wounded_offer"

"""The engine: the article's replay, blocked-step reasons, determinism, reuse."""

from __future__ import annotations

from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest

import negsim
from negsim.engine import Engine
from negsim.trace import BLOCKED, FIRED, INVALID, NOTED, OTHERWISE, SKIPPED

from .conftest import MINIMAL

TZ = timezone(timedelta(hours=2))


def step(trace: negsim.Trace, event: str):
    (found,) = [s for s in trace.steps if s.event == event]
    return found


def refs(blocks) -> list[str]:
    return [f"{b.party}.{b.condition}" if b.party else f"guard:{b.when}" for b in blocks]


# --- the article -----------------------------------------------------------


def test_article_path_and_final_state(article_trace):
    assert article_trace.path == (
        "negotiating",
        "agreed",
        "buses_staged",
        "turned_back",
        "collapsed",
        "renegotiated",
        "reinstated",
    )
    assert article_trace.initial_state == "negotiating"
    assert article_trace.final_state == "reinstated"


def test_article_is_agreed_late_tuesday_via_turkey_and_russia(article, article_trace):
    s = step(article_trace, "deal_brokered")
    assert s.at == datetime(2016, 12, 13, 22, 0, tzinfo=TZ)
    assert (s.trigger, s.outcome, s.from_state, s.to_state) == ("agree", FIRED, "negotiating", "agreed")
    agree = next(t for t in article.transitions if t.trigger == "agree")
    assert {"russia", "turkey"} <= set(agree.consent)


def test_article_buses_staged_before_dawn(article_trace):
    s = step(article_trace, "buses_arrive")
    assert s.at == datetime(2016, 12, 14, 4, 0, tzinfo=TZ)
    assert (s.trigger, s.outcome, s.to_state) == ("stage_buses", FIRED, "buses_staged")


def test_article_departure_at_five_blocked_by_the_militias_and_turned_back(article_trace):
    s = step(article_trace, "departure_due")
    assert s.at == datetime(2016, 12, 14, 5, 0, tzinfo=TZ)
    assert s.trigger == "depart" and not s.fired and s.outcome == OTHERWISE
    assert refs(s.blocked_by) == ["militias.open_checkpoints"]
    assert s.blocked_by[0].text == "The militias manning the checkpoints let the buses and ambulances through"
    assert s.blocked_by[0].when == "checkpoints_open"
    assert s.otherwise is not None and s.otherwise.trigger == "turn_back" and s.otherwise.fired
    assert (s.from_state, s.to_state) == ("buses_staged", "turned_back")


def test_article_shelling_collapses_the_deal_through_a_transition_guard(article_trace):
    s = step(article_trace, "shelling_resumes")
    assert s.at == datetime(2016, 12, 14, 7, 0, tzinfo=TZ)
    assert (s.trigger, s.outcome, s.from_state, s.to_state) == ("collapse", FIRED, "turned_back", "collapsed")
    assert s.set == (("shelling", True),)


def test_article_new_conditions_and_who_raised_them(article_trace):
    assert step(article_trace, "foua_kfraya_demand").added == ("iran.foua_kfraya",)
    assert step(article_trace, "hostages_and_fighters_demand").added == (
        "government.hostages",
        "government.wanted_fighters",
    )
    assert step(article_trace, "remains_demand").added == ("iran.iranian_remains",)
    numbers = step(article_trace, "numbers_dispute")
    assert numbers.added == ("government.evacuee_cap",)
    assert numbers.set == (("evacuees_sought", 10000),)


def test_article_talks_blocked_by_every_new_condition(article_trace):
    s = step(article_trace, "talks_stall")
    assert (s.trigger, s.outcome, s.to_state) == ("renegotiate", BLOCKED, "collapsed")
    assert refs(s.blocked_by) == [
        "government.hostages",
        "government.wanted_fighters",
        "government.evacuee_cap",
        "iran.foua_kfraya",
        "iran.iranian_remains",
    ]
    assert all(b.party is not None for b in s.blocked_by)


def test_article_offer_and_russian_pressure_lead_to_renegotiation(article_trace):
    assert step(article_trace, "wounded_offer").set == (("foua_kfraya_wounded_offered", True),)
    assert step(article_trace, "russian_pressure").dropped == (
        "government.hostages",
        "government.wanted_fighters",
        "iran.iranian_remains",
    )
    s = step(article_trace, "deal_back_on")
    assert s.at == datetime(2016, 12, 14, 21, 0, tzinfo=TZ)
    assert (s.trigger, s.outcome, s.to_state) == ("renegotiate", FIRED, "renegotiated")


def test_article_reinstated_at_2330_and_later_reports_do_not_end_it(article_trace):
    s = step(article_trace, "ceasefire_reinstated")
    assert s.at == datetime(2016, 12, 14, 23, 30, tzinfo=TZ)
    assert (s.trigger, s.outcome, s.to_state) == ("reinstate", FIRED, "reinstated")
    shelling = step(article_trace, "shelling_after_ceasefire")
    assert shelling.at == datetime(2016, 12, 14, 23, 40, tzinfo=TZ)
    assert (shelling.outcome, shelling.to_state, shelling.set) == (NOTED, "reinstated", (("shelling", True),))
    denial = step(article_trace, "government_denial")
    assert (denial.outcome, denial.to_state) == (NOTED, "reinstated")
    assert "“complicated.”" in denial.cite[1]


def test_article_every_event_is_cited_verbatim_from_the_bundled_source(article):
    (source,) = article.sources
    text = Path(source.file).read_text(encoding="utf-8")
    for event in article.timeline:
        assert event.cite, event.id
        for quote in event.cite:
            assert quote in text, (event.id, quote)


def test_article_party_ids(article):
    assert {"government", "russia", "iran", "turkey", "rebels", "militias"} <= set(article.parties)
    assert {
        "negotiating",
        "agreed",
        "buses_staged",
        "evacuating",
        "turned_back",
        "collapsed",
        "renegotiated",
        "reinstated",
    } <= set(article.states)


def test_the_shipped_article_text_is_the_shared_source():
    from .conftest import ROOT

    shared = ROOT.parent / "shared" / "sources" / "aleppo-2016-12-15.txt"
    if not shared.exists():
        pytest.skip("only in the development checkout: compares the bundled article with ../shared/sources")
    bundled = ROOT / "scenarios" / "sources" / "aleppo-2016-12-15.txt"
    assert bundled.read_bytes() == shared.read_bytes()


# --- determinism and reuse ---------------------------------------------------


def test_replay_is_deterministic(article):
    engine = Engine(article)
    first = negsim.to_json(engine.run())
    assert negsim.to_json(engine.run()) == first
    assert negsim.to_json(negsim.replay(negsim.load("aleppo-2016-12"))) == first


def test_engine_reuses_one_machine(article):
    engine = Engine(article)
    machine = engine.machine
    a, b = engine.run(), engine.run()
    assert engine.machine is machine
    assert a == b


def test_machine_gets_callables_never_strings(article):
    engine = Engine(article)
    for event in engine.machine.events.values():
        for transitions in event.transitions.values():
            for t in transitions:
                for cond in t.conditions:
                    assert callable(cond.func) and not isinstance(cond.func, str)
                assert not t.before and not t.after and not t.prepare


def test_json_trace_has_documented_keys(article_trace):
    data = negsim.to_dict(article_trace)
    assert list(data) == [
        "negsim_version",
        "scenario",
        "title",
        "scenario_sha256",
        "utc_offset",
        "whatifs",
        "seed",
        "drawn",
        "initial_state",
        "final_state",
        "path",
        "steps",
        "facts",
    ]
    assert data["scenario"] == "aleppo-2016-12" and len(data["scenario_sha256"]) == 64
    first = data["steps"][0]
    for key in ("at", "event", "trigger", "from", "to", "fired", "blocked_by", "cite", "outcome"):
        assert key in first
    assert first["at"] == "2016-12-13T22:00:00+02:00"
    blocked = next(s for s in data["steps"] if s["event"] == "departure_due")["blocked_by"]
    assert blocked == [
        {
            "party": "militias",
            "condition": "open_checkpoints",
            "text": "The militias manning the checkpoints let the buses and ambulances through",
            "when": "checkpoints_open",
        }
    ]
    assert data["facts"]["evacuees_sought"] == 2000


def test_scenario_objects_are_immutable(article):
    with pytest.raises(AttributeError):
        article.title = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        article.timeline[0].at = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        article.facts["shelling"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        article.facts._d = {}  # type: ignore[attr-defined]


# --- small scenarios ---------------------------------------------------------


def test_blocked_then_fired(write):
    trace = negsim.replay(negsim.load(write(MINIMAL)))
    first, second = trace.steps
    assert (first.outcome, refs(first.blocked_by)) == (BLOCKED, ["alpha.is_ready"])
    assert (second.outcome, second.to_state) == (FIRED, "signed")
    assert trace.path == ("open", "signed")
    assert dict(trace.facts) == {"ready": True, "count": 2}


def test_invalid_trigger_skipped_event_and_failed_otherwise(write):
    text = MINIMAL + """\
  - at: 2020-01-01T12:00
    id: sign_again
    trigger: sign
  - at: 2020-01-01T13:00
    id: never
    if: count > 5
    trigger: sign
"""
    trace = negsim.replay(negsim.load(write(text)))
    again, never = trace.steps[2:]
    assert (again.outcome, again.fired, again.blocked_by) == (INVALID, False, ())
    assert never.outcome == SKIPPED and never.attempts == ()


def test_transition_guard_and_party_conditions_are_all_reported(write):
    text = MINIMAL.replace(
        "      consent: [alpha]\n",
        "      consent: [alpha]\n      when: count > 3\n      text: Enough copies are printed\n",
    ).replace("    set:\n      ready: true\n", "    set:\n      ready: false\n")
    trace = negsim.replay(negsim.load(write(text)))
    blocks = trace.steps[0].blocked_by
    assert [(b.party, b.condition, b.text, b.when) for b in blocks] == [
        (None, None, "Enough copies are printed", "count > 3"),
        ("alpha", "is_ready", "Alpha is ready", "ready"),
    ]


def test_conditions_added_and_dropped_mid_way(write):
    text = MINIMAL.replace(
        "        when: ready\n",
        "        when: ready\n      big:\n        text: At least ten copies\n        when: count >= 10\n        active: false\n",
    ).replace(
        "    set:\n      ready: true\n",
        "    set:\n      ready: true\n    add_conditions:\n      alpha: [big]\n",
    )
    text += """\
  - at: 2020-01-01T12:00
    id: alpha_relents
    drop_conditions:
      alpha: big
    trigger: sign
"""
    trace = negsim.replay(negsim.load(write(text)))
    assert refs(trace.steps[1].blocked_by) == ["alpha.big"]
    assert trace.steps[1].added == ("alpha.big",)
    last = trace.steps[2]
    assert (last.dropped, last.outcome, trace.final_state) == (("alpha.big",), FIRED, "signed")


def test_division_by_zero_in_a_guard_is_a_run_error_with_a_location(write):
    text = MINIMAL.replace("when: ready", "when: 10 / (count - 2) > 1")
    path = write(text)
    with pytest.raises(negsim.RunError) as err:
        negsim.replay(negsim.load(path))
    assert str(err.value) == (
        f"{path}:26:5: division by zero in guard '10 / (count - 2) > 1' while running event 'first_try'"
    )

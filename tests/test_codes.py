"""Event-data codes: the shipped CAMEO lists, checking `codes`, and events-csv output."""

from __future__ import annotations

import csv
import io

import pytest

import negsim
from negsim import codes
from negsim.render.events_csv import COLUMNS, render_events_csv

from .conftest import ARTICLE, MINIMAL
from .test_cli import negsim_cmd, run
from .test_scenario import change, problems


def with_codes(line: str) -> str:
    return change("    id: first_try\n", f"    id: first_try\n    codes: {line}\n")


def test_code_lists_are_well_formed():
    events = codes.event_codes()
    assert events["0871"] == "Declare truce, ceasefire"
    assert events["196"] == "Violate ceasefire"
    assert all(c.isdigit() and 3 <= len(c) <= 4 for c in events)
    assert all(c[:2] <= "20" for c in events)  # twenty CAMEO roots
    pieces = codes.actor_pieces()
    assert pieces["SYR"] == ("country", "Syria")
    assert pieces["REB"][0] == "role"
    assert all(len(p) == 3 and p.isupper() for p in pieces)
    assert {k for k, _ in pieces.values()} == {"country", "international", "role"}


@pytest.mark.parametrize("code", ["SYR", "SYRGOV", "SYRREB", "IGOUNO", "RUSMIL", "SYRUAF"])
def test_good_actor_codes(code):
    assert codes.actor_problem(code) is None


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("syr", "must be three-letter CAMEO pieces in capitals, such as SYR, SYRGOV or IGOUNO"),
        ("SYRRE", "must be three-letter CAMEO pieces in capitals, such as SYR, SYRGOV or IGOUNO"),
        ("", "must be three-letter CAMEO pieces in capitals, such as SYR, SYRGOV or IGOUNO"),
        ("GOV", "starts with the role 'GOV'; put a country or international code first, e.g. SYRGOV"),
        ("SYRRBL", "has the unknown role 'RBL'; did you mean 'REB'?"),
        ("SYRSYR", "has the country code 'SYR' where a role belongs; one country first, then roles such as GOV or REB"),
        ("SYRXXX", "has the unknown role 'XXX'; roles: COP, CVL, GOV, HRI, IGO, INS, JUD, LEG, MED, MIL, NGO, OPP, REB, REF, SPY, UAF, UNO"),
        ("XYZ", "has the unknown country code 'XYZ'; see negsim/data/cameo-actors.txt for the codes negsim knows"),
    ],
)
def test_bad_actor_codes(code, why):
    assert codes.actor_problem(code) == why


def test_codes_are_read_onto_the_event(write):
    sc = negsim.load(write(with_codes('{event: "0871", source: RUS, target: SYRREB}')))
    first = sc.timeline[0].codes
    assert (first.event, first.source, first.target) == ("0871", "RUS", "SYRREB")
    assert first.loc.line == 28
    assert sc.timeline[1].codes is None


def test_source_and_target_are_optional(write):
    sc = negsim.load(write(with_codes('{event: "196"}')))
    assert sc.timeline[0].codes[:3] == ("196", None, None)


def test_unquoted_codes_say_to_quote_them(write):
    assert problems(write(with_codes("{event: 045, source: RUS}"))) == [
        's.yaml:28:20: codes of event \'first_try\': event code 045 must be in quotes ("045"); '
        "unquoted, YAML reads it as the number 37"
    ]
    assert problems(write(with_codes("{event: 196}"))) == [
        's.yaml:28:20: codes of event \'first_try\': event code 196 must be in quotes ("196"); '
        "unquoted, YAML reads it as the number 196"
    ]


def test_every_codes_problem_is_located(write):
    found = problems(write(with_codes('{event: "0879", source: GOVSYR, target: SYRRBL, actor: x}')))
    assert found == [
        "s.yaml:28:20: codes of event 'first_try': unknown CAMEO event code '0879'; did you mean '087'?",
        "s.yaml:28:36: codes of event 'first_try': source actor 'GOVSYR' starts with the role 'GOV'; "
        "put a country or international code first, e.g. SYRGOV",
        "s.yaml:28:52: codes of event 'first_try': target actor 'SYRRBL' has the unknown role 'RBL'; did you mean 'REB'?",
        "s.yaml:28:60: unknown key 'actor' in codes of event 'first_try'; allowed keys: event, source, target",
    ]
    assert problems(write(with_codes("{source: RUS}"))) == [
        "s.yaml:28:12: codes of event 'first_try' is missing the required key 'event'"
    ]
    assert problems(write(with_codes('"0871"'))) == [
        "s.yaml:28:12: codes of event 'first_try' must be a mapping (key: value lines), not string '0871'"
    ]


def test_scenarios_without_codes_never_read_the_lists(write):
    codes.event_codes.cache_clear()
    negsim.load(write(MINIMAL))
    assert codes.event_codes.cache_info().currsize == 0


def test_every_article_event_that_reports_an_act_is_coded(article):
    coded = {e.id: e.codes.event for e in article.timeline if e.codes}
    assert coded["ceasefire_reinstated"] == "0871"
    assert coded["departure_due"] == "191"
    assert coded["shelling_resumes"] == coded["shelling_after_ceasefire"] == "196"
    # judged not to be acts of one actor toward another (see docs/explanation/aleppo-model.md)
    assert set(e.id for e in article.timeline) - set(coded) == {"buses_arrive", "nobody_left_by_dawn"}


def test_events_csv_rows(article, article_trace):
    text = render_events_csv(article_trace, article)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 16
    first = rows[0]
    assert first["date"] == "2016-12-13" and first["time"] == "2016-12-13T22:00:00+02:00"
    assert (first["source"], first["target"], first["event_code"], first["root_code"]) == ("TUR", "SYRREB", "045", "04")
    assert first["quote"].endswith("as the rebel enclave rapidly dissolved [...] It was an effective surrender "
                                   "of the rebel fighters who had held onto nearly half of Aleppo for more than four years.")
    assert (first["event"], first["outcome"], first["state"]) == ("deal_brokered", "fired", "agreed")
    assert rows[-1]["target"] == "" and rows[-1]["source"] == "SYRMIL"
    assert text.endswith("\n") and "\r" not in text


def test_events_csv_leaves_out_events_that_did_not_happen():
    sc = negsim.load(str(ARTICLE), without=["militias"])
    rows = list(csv.DictReader(io.StringIO(render_events_csv(negsim.replay(sc), sc))))
    assert "nobody_left_by_dawn" not in {r["event"] for r in rows}  # uncoded anyway
    assert "shelling_resumes" not in {r["event"] for r in rows}  # its 'if' did not hold: no shelling


def test_events_csv_from_the_command_line(tmp_path):
    result = run("replay", "aleppo-2016-12", "--format", "events-csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("date,time,source,target,event_code,root_code,quote,scenario,event,outcome,state,text\n")
    a = negsim_cmd("replay", "aleppo-2016-12", "--format", "events-csv")
    b = negsim_cmd("replay", "aleppo-2016-12", "--format", "events-csv")
    assert a.returncode == 0 and a.stdout == b.stdout and a.stdout.decode() == result.stdout
    out = tmp_path / "events.csv"
    c = negsim_cmd("replay", "aleppo-2016-12", "--format", "events-csv", "-o", str(out))
    assert c.returncode == 0 and out.read_bytes() == a.stdout
    again = negsim_cmd("replay", "aleppo-2016-12", "--format", "events-csv", "-o", str(out))
    assert again.returncode == 2 and b"already exists; use --force" in again.stderr


def test_other_commands_do_not_offer_events_csv():
    result = run("compare", "aleppo-2016-12", "--skip", "buses_arrive", "--format", "events-csv")
    assert result.exit_code == 2


def test_show_json_includes_the_codes():
    import json

    data = json.loads(run("show", "aleppo-2016-12", "--format", "json").stdout)
    events = {e["id"]: e for e in data["timeline"]}
    assert events["ceasefire_reinstated"]["codes"] == {"event": "0871", "source": "SYRREB", "target": "SYRGOV"}
    assert events["buses_arrive"]["codes"] is None


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(max_size=12))
def test_any_actor_text_is_accepted_or_explained(code):
    problem = codes.actor_problem(code)
    assert problem is None or (isinstance(problem, str) and problem)
    if problem is None:
        assert len(code) % 3 == 0 and code.isupper() and code[:3] in codes.actor_pieces()


@given(st.sampled_from(["0871", "196", "045", "19", "0", "08710", "abc", "", "1e3", "0x45", "true", "~"]),
       st.sampled_from(["RUS", "syr", "SYRGOV", "GOV", "X", "[]", "{}"]))
def test_any_codes_value_loads_or_is_reported(event, actor):
    import textwrap

    from negsim import scenario, yamlsource
    from negsim.errors import ScenarioError

    shown = event or '""'
    text = MINIMAL.replace("    id: first_try\n", f"    id: first_try\n    codes: {{event: {shown}, source: {actor}}}\n")
    try:
        sc = scenario.build(yamlsource.parse(textwrap.dedent(text), "s.yaml"), "s.yaml")
    except ScenarioError as exc:
        assert all(p.loc.line >= 1 for p in exc.problems)
        return
    assert sc.timeline[0].codes.event in codes.event_codes()

"""What-ifs: command-line options, variant files, and the bundled variants' answers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import negsim
from negsim.cli import cli
from negsim.trace import BLOCKED, FIRED, INVALID
from negsim.whatif import SetFact, Skip, Without, WhatIfError, apply

from .conftest import MINIMAL, SCENARIOS

BASELINE_PATH = ("negotiating", "agreed", "buses_staged", "turned_back", "collapsed", "renegotiated", "reinstated")


def steps_of(trace: negsim.Trace) -> dict[str, object]:
    """Everything in a trace except the list of what-ifs that produced it."""
    data = negsim.to_dict(trace)
    data.pop("whatifs")
    return data


def step(trace: negsim.Trace, event: str):
    (found,) = [s for s in trace.steps if s.event == event]
    return found


def refs(blocks) -> list[str]:
    return [f"{b.party}.{b.condition}" for b in blocks]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="negsim")


# --- the bundled variants answer their questions ---------------------------------


def test_every_bundled_variant_is_listed_with_a_question():
    variants = [b for b in negsim.bundled() if b.kind == "variant"]
    assert len(variants) >= 6
    from negsim.variant import load_variant

    for b in variants:
        variant, base = load_variant(b.path)
        assert variant.id == b.id and base.id == "aleppo-2016-12"
        assert variant.question.startswith("What if") and variant.question.endswith(".")


def test_militias_stand_aside_the_convoy_leaves_at_dawn():
    trace = negsim.replay(negsim.load("aleppo-militias-stand-aside"))
    assert trace.path == ("negotiating", "agreed", "buses_staged", "evacuating")
    departure = step(trace, "departure_due")
    assert (departure.outcome, departure.to_state) == (FIRED, "evacuating")
    assert step(trace, "shelling_resumes").outcome == "skipped"
    assert step(trace, "talks_stall").outcome == INVALID
    assert trace.applied == ("variant aleppo-militias-stand-aside: without militias.open_checkpoints",)


def test_no_foua_kfraya_demand_changes_the_reasons_not_the_path():
    trace = negsim.replay(negsim.load("aleppo-no-foua-kfraya-demand"))
    assert trace.path == BASELINE_PATH
    assert refs(step(trace, "talks_stall").blocked_by) == [
        "government.hostages",
        "government.wanted_fighters",
        "government.evacuee_cap",
        "iran.iranian_remains",
    ]


def test_government_accepting_10000_removes_only_the_numbers_objection():
    trace = negsim.replay(negsim.load("aleppo-government-accepts-10000"))
    assert trace.path == BASELINE_PATH
    assert "government.evacuee_cap" not in refs(step(trace, "talks_stall").blocked_by)
    assert step(trace, "talks_stall").outcome == BLOCKED


def test_without_the_rebels_offer_iran_blocks_the_renegotiation():
    trace = negsim.replay(negsim.load("aleppo-no-wounded-offer"))
    assert trace.final_state == "collapsed"
    assert trace.path == BASELINE_PATH[:5]
    assert refs(step(trace, "deal_back_on").blocked_by) == ["iran.foua_kfraya"]
    assert step(trace, "ceasefire_reinstated").outcome == INVALID


def test_without_russian_pressure_the_added_demands_still_block():
    trace = negsim.replay(negsim.load("aleppo-no-russian-pressure"))
    assert trace.final_state == "collapsed"
    assert refs(step(trace, "deal_back_on").blocked_by) == [
        "government.hostages",
        "government.wanted_fighters",
        "iran.iranian_remains",
    ]


def test_without_shelling_the_deal_stalls_but_never_collapses():
    trace = negsim.replay(negsim.load("aleppo-no-shelling"))
    assert trace.path == ("negotiating", "agreed", "buses_staged", "turned_back", "renegotiated", "reinstated")
    assert step(trace, "rebels_retaliate").outcome == "skipped"
    assert step(trace, "deal_back_on").from_state == "turned_back"


def test_early_pressure_still_meets_the_numbers_dispute_at_14():
    trace = negsim.replay(negsim.load("aleppo-early-pressure"))
    assert trace.path == BASELINE_PATH
    assert [s.event for s in trace.steps].index("russian_pressure") < [s.event for s in trace.steps].index("talks_stall")
    assert refs(step(trace, "talks_stall").blocked_by) == ["government.evacuee_cap"]


# --- the same change stated four ways gives the same trace -------------------------


@pytest.mark.parametrize(
    ("options", "variant_body"),
    [
        ({"without": ["militias.open_checkpoints"]}, "without: militias.open_checkpoints"),
        ({"without": ["militias"]}, "without: [militias]"),
        ({"skip": ["russian_pressure"]}, "skip: russian_pressure"),
        ({"set": ["checkpoints_open=true"]}, "set:\n  checkpoints_open: true"),
        ({"set": ["evacuees_sought=1500", "destination=aleppo"]}, "set: {evacuees_sought: 1500, destination: aleppo}"),
    ],
)
def test_options_and_variant_files_give_identical_traces(write, options, variant_body):
    path = write(
        "negsim-variant: 1\nid: same\ntitle: Same change\nquestion: What if?\nbase: aleppo-2016-12\n" + variant_body + "\n"
    )
    by_options = negsim.replay(negsim.load("aleppo-2016-12", **options))
    by_file = negsim.replay(negsim.load("aleppo-2016-12", variants=[path]))
    by_file_as_scenario = negsim.replay(negsim.load(path))
    assert steps_of(by_options) == steps_of(by_file) == steps_of(by_file_as_scenario)
    assert by_options.applied and by_file.applied == tuple(f"variant same: {x}" for x in by_options.applied)


def test_militias_condition_and_fact_lever_give_the_same_path():
    dropped = negsim.replay(negsim.load("aleppo-2016-12", without=["militias.open_checkpoints"]))
    opened = negsim.replay(negsim.load("aleppo-2016-12", set=["checkpoints_open=true"]))
    assert dropped.path == opened.path == ("negotiating", "agreed", "buses_staged", "evacuating")


def test_cli_records_the_whatifs_in_the_json_trace():
    result = run("replay", "aleppo-2016-12", "--set", "checkpoints_open=true", "--skip", "diplomatic_calls", "--format", "json")
    assert result.exit_code == 0
    import json

    data = json.loads(result.stdout)
    assert data["whatifs"] == ["set checkpoints_open=true", "skip diplomatic_calls"]
    text = run("replay", "aleppo-2016-12", "--without", "iran")
    assert "What-ifs: without iran\n" in text.stdout


# --- what-ifs are pure and compose in order ----------------------------------------------


def test_apply_is_pure(article):
    before = negsim.to_json(negsim.replay(article))
    changed = apply(article, [Without("iran"), SetFact("shelling", True), Skip("deal_brokered")])
    assert negsim.to_json(negsim.replay(article)) == before
    assert len(changed.timeline) == len(article.timeline) - 1
    assert changed.parties["iran"].conditions == {}
    assert article.parties["iran"].conditions


def test_without_party_also_drops_conditions_it_adds_later(article):
    trace = negsim.replay(apply(article, [Without("iran")]))
    assert step(trace, "foua_kfraya_demand").added == ()
    assert step(trace, "remains_demand").added == ()
    assert step(trace, "russian_pressure").dropped == ("government.hostages", "government.wanted_fighters")
    assert all(b.party != "iran" for s in trace.steps for b in s.blocked_by)


def test_variants_compose_in_order(write):
    first = write(
        "negsim-variant: 1\nid: one\ntitle: One\nquestion: q\nbase: aleppo-2016-12\nskip: wounded_offer\n", "one.yaml"
    )
    second = write(
        "negsim-variant: 1\nid: two\ntitle: Two\nquestion: q\nbase: aleppo-2016-12\nwithout: iran.foua_kfraya\n",
        "two.yaml",
    )
    trace = negsim.replay(negsim.load("aleppo-2016-12", variants=[first, second]))
    assert trace.final_state == "reinstated"
    assert trace.applied == ("variant one: skip wounded_offer", "variant two: without iran.foua_kfraya")
    only_first = negsim.replay(negsim.load("aleppo-2016-12", variants=[first]))
    assert only_first.final_state == "collapsed"


def test_events_retime_and_conditions_in_a_variant(write):
    base = write(MINIMAL)
    variant = write(
        """\
        negsim-variant: 1
        id: full
        title: Every operation
        question: What if Alpha were ready from the start but needed three copies?
        base: s.yaml
        conditions:
          alpha:
            copies:
              text: Three copies are printed
              when: count >= 3
              active: false
            is_ready:
              when: ready or count > 100
        events:
          - at: 2020-01-01T09:00
            id: printing
            set: {count: 3}
            add_conditions: {alpha: copies}
          - at: 2020-01-01T12:00
            id: alpha_ready
            text: Replaced, now later
            trigger: sign
        retime:
          first_try: 2020-01-01T09:30
        set:
          ready: true
        """,
        "full.yaml",
    )
    trace = negsim.replay(negsim.load(base, variants=[variant]))
    assert [s.event for s in trace.steps] == ["printing", "first_try", "alpha_ready"]
    assert trace.steps[0].added == ("alpha.copies",)
    assert (trace.steps[1].outcome, trace.final_state) == (FIRED, "signed")
    assert trace.steps[2].text == "Replaced, now later" and trace.steps[2].outcome == INVALID
    assert negsim.load(base, variants=[variant]).parties["alpha"].conditions["is_ready"].text == "Alpha is ready"


# --- bad what-ifs: one clear line, exit 1 or 2 ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--without", "irn"], "Error: --without: unknown party 'irn'; did you mean 'iran'?"),
        (
            ["--without", "iran.foua"],
            "Error: --without: party 'iran' has no condition 'foua'; known conditions: foua_kfraya, iranian_remains",
        ),
        (["--skip", "talks"], "Error: --skip: unknown event 'talks'; did you mean 'talks_stall'?"),
        (["--set", "shelling=maybe"], "Error: --set: 'shelling' is true or false, not 'maybe'"),
        (["--set", "evacuees_sought=lots"], "Error: --set: 'evacuees_sought' is a whole number, not 'lots'"),
        (["--set", "shellng=true"], "Error: --set: unknown fact 'shellng'; did you mean 'shelling'?"),
        (["--set", "zzz=1"], "Error: --set: unknown fact 'zzz'; known facts: buses_and_convoys_agreed, buses_at_meeting_points, checkpoints_open, destination, evacuees_sought, foua_kfraya_siege_lifted, foua_kfraya_wounded_offered, hostages_released, iranian_remains_returned, rebels_ready_to_leave, rebels_retaliated, shelling, wanted_fighters_handed_over"),
        (["--set", "shelling"], "Error: --set needs FACT=VALUE, such as --set shelling=true; got 'shelling'"),
    ],
)
def test_bad_command_line_whatifs_are_usage_errors(args, message):
    for command in ("replay", "compare"):
        result = run(command, "aleppo-2016-12", *args)
        assert result.exit_code == 2, result.output
        assert result.stderr == message + "\n"


def test_variant_for_another_scenario_is_an_input_error(write):
    base = write(MINIMAL)
    result = run("replay", base, "--variant", "aleppo-militias-stand-aside")
    assert result.exit_code == 1
    path = str(SCENARIOS / "aleppo-militias-stand-aside.yaml")
    assert result.stderr == f"{path}:5:7: this variant is for scenario 'aleppo-2016-12', not 'mini'\n"


def test_bad_variant_files_report_every_problem_with_its_place(write):
    path = write(
        """\
        negsim-variant: 1
        id: bad
        title: Bad
        question: What if everything were wrong?
        base: aleppo-2016-12
        skipp: [x]
        set:
          shelling: 3
          nope: 1
        without: [irn, iran.foua]
        skip: no_such_event
        retime:
          talks_stall: tomorrow
        conditions:
          iran:
            foua_kfraya:
              when: foua_kfraya_siege_lifted and
        """
    )
    result = run("validate", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:6:1: unknown key 'skipp' in the variant; did you mean 'skip'?",
        f"{path}:8:13: the variant sets 'shelling' to an integer (3), but 'shelling' is a boolean fact",
        f"{path}:9:3: the variant sets unknown fact 'nope'; known facts: buses_and_convoys_agreed, buses_at_meeting_points, "
        "checkpoints_open, destination, evacuees_sought, foua_kfraya_siege_lifted, foua_kfraya_wounded_offered, "
        "hostages_released, iranian_remains_returned, rebels_ready_to_leave, rebels_retaliated, shelling, "
        "wanted_fighters_handed_over",
        f"{path}:10:11: without: unknown party 'irn'; did you mean 'iran'?",
        f"{path}:10:16: without: party 'iran' has no condition 'foua'; known conditions: foua_kfraya, iranian_remains",
        f"{path}:11:7: skip: unknown event 'no_such_event'",
        f"{path}:13:16: new time of event 'talks_stall' must be a local date and time such as 2016-12-14T05:00, not 'tomorrow'",
        f"{path}:17:41: condition 'iran.foua_kfraya': guard ends too early; a value is missing",
    ]


def test_variant_with_unknown_base(write):
    path = write("negsim-variant: 1\nid: v\ntitle: V\nquestion: q\nbase: atlantis\n")
    result = run("replay", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:5:7: base scenario 'atlantis' not found: give a bundled scenario id or a path relative to this file\n"
    )


def test_whatif_no_longer_fitting_after_a_variant(write):
    variant = write("negsim-variant: 1\nid: v\ntitle: V\nquestion: q\nbase: aleppo-2016-12\nskip: talks_stall\n")
    with pytest.raises(negsim.UsageError) as err:
        negsim.load("aleppo-2016-12", variants=[variant], skip=["talks_stall"])
    assert str(err.value).startswith("--skip: unknown event 'talks_stall'")
    result = run("replay", "aleppo-2016-12", "--variant", variant, "--skip", "talks_stall")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    with pytest.raises(WhatIfError):
        apply(negsim.load(variant), [Skip("talks_stall")])


def test_replace_makes_a_new_scenario(article):
    changed = article._replace(title="Another title")
    assert (article.title, changed.title) == ("Aleppo evacuation deal, 13-15 December 2016", "Another title")
    assert article.applied == ()


def test_variant_events_given_twice_and_a_missing_base_file(write):
    twice = write(
        """\
        negsim-variant: 1
        id: twice
        title: T
        question: q
        base: aleppo-2016-12
        events:
          - {at: 2016-12-14T12:00, id: extra}
          - {at: 2016-12-14T13:00, id: extra}
        """
    )
    result = run("validate", twice)
    assert result.stderr == f"{twice}:8:5: events: event 'extra' is given twice in this variant\n"
    lost = write("negsim-variant: 1\nid: v\ntitle: V\nquestion: q\nbase: ../elsewhere/deal.yaml\n", "lost.yaml")
    result = run("validate", lost)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{lost}:5:7: base scenario file '../elsewhere/deal.yaml' not found (looked for ")


def test_an_option_given_twice_counts_once_and_removed_events_say_why():
    twice = run("replay", "aleppo-2016-12", "--skip", "russian_pressure", "--skip", "russian_pressure", "--format", "json")
    assert twice.exit_code == 0
    result = run("replay", "aleppo-no-shelling", "--skip", "shelling_resumes")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: --skip: unknown event 'shelling_resumes' (or an earlier what-if removed it: "
        "variant aleppo-no-shelling: skip shelling_resumes)"
    )


def test_a_variant_that_changes_nothing_is_refused(write):
    path = write("negsim-variant: 1\nid: v\ntitle: V\nquestion: q\nbase: aleppo-2016-12\n")
    result = run("validate", path)
    assert result.stderr == f"{path}:1:1: this variant changes nothing: add set, without, skip, events, retime, conditions, chance or draw\n"


def test_without_a_whole_party_covers_its_conditions():
    result = run("replay", "aleppo-2016-12", "--without", "militias", "--without", "militias.open_checkpoints")
    assert result.exit_code == 0 and "What-ifs: without militias\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--without", "open_checkpoints"],
         "Error: --without: 'open_checkpoints' is a condition, not a party; name it with its party: 'militias.open_checkpoints'\n"),
        (["--set", "evacuees_sought"], "Error: --set needs FACT=VALUE, such as --set evacuees_sought=2000; got 'evacuees_sought'\n"),
    ],
)
def test_whatif_mistakes_suggest_the_right_form(args, message):
    from click.testing import CliRunner

    from negsim.cli import cli

    result = CliRunner().invoke(cli, ["replay", "aleppo-2016-12", *args])
    assert (result.exit_code, result.stderr) == (2, message)


def test_a_file_named_without_its_suffix_is_suggested(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from negsim.cli import cli

    (tmp_path / "my-deal.yaml").write_text("negsim: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["replay", "my-deal"])
    assert (result.exit_code, result.stderr) == (2, "Error: no bundled scenario or file named 'my-deal'; did you mean the file 'my-deal.yaml'?\n")

"""Exercise files: the bundled ones load, every bad file gets exact FILE:LINE:COL errors."""

from __future__ import annotations

import csv
import io
import os

import pytest
from click.testing import CliRunner

import negsim
from negsim.cli import cli
from negsim.errors import ScenarioError
from negsim.exercise import load_exercise
from negsim.render.exercise import CSV_COLUMNS, render_brief_csv, render_brief_markdown

from .conftest import SCENARIOS
from .exercise_fixtures import FIXTURE, write_fixture

BUNDLED = ["aleppo-mediators-exercise", "fenmarch-exercise"]


def run(*args: str, input: str | None = None):  # noqa: A002
    return CliRunner().invoke(cli, list(args), prog_name="negsim", input=input)


def problems(tmp_path, text: str) -> list[str]:
    path = write_fixture(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_exercise(path)
    return [str(p).replace(str(tmp_path) + os.sep, "") for p in exc.value.problems]


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_exercises_load_and_are_listed(name):
    ex = load_exercise(str(SCENARIOS / f"{name}.yaml"))
    assert ex.id == name and ex.injects and ex.objectives and ex.roles
    assert any(i.options for i in ex.injects) and any(not i.options for i in ex.injects)
    assert {b.id: b.kind for b in negsim.bundled()}[name] == "exercise"
    assert negsim.validate(name) == []


def test_the_fictional_exercise_says_it_is_fictional():
    for name in ("fenmarch-exercise", "fenmarch-water-truce"):
        text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
        assert "FICTIONAL" in text.splitlines()[0]


def test_aleppo_exercise_quotes_the_article_verbatim():
    """Every passage in double quotes in a message or debrief note is in the article."""
    import re

    article = " ".join((SCENARIOS / "sources" / "aleppo-2016-12-15.txt").read_text(encoding="utf-8").split())
    ex = load_exercise(str(SCENARIOS / "aleppo-mediators-exercise.yaml"))
    texts = [ex.brief] + [i.message for i in ex.injects] + [o.debrief for i in ex.injects for o in i.options]
    quotes = [q for t in texts for q in re.findall(r'"([^"]+)"', " ".join(t.split()))]
    assert len(quotes) >= 8
    for q in quotes:
        assert q.rstrip(".,") in article.replace("’", "'"), q


def test_list_has_an_exercises_section():
    out = run("list").stdout
    assert "Exercises (play them with 'negsim exercise play ID')" in out
    assert "  aleppo-mediators-exercise " in out and "  fenmarch-water-truce " in out


def test_validate_accepts_exercise_files():
    result = run("validate", "aleppo-mediators-exercise", "fenmarch-exercise")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith(
        "aleppo-mediators-exercise.yaml: ok (exercise 'aleppo-mediators-exercise' on scenario 'aleppo-2016-12': "
        "2 roles, 5 injects, 5 objectives)"
    )


# --- errors --------------------------------------------------------------------


def test_unknown_fact_in_an_effect(tmp_path):
    text = FIXTURE.replace("              ready: true", "              redy: true")
    assert problems(tmp_path, text) == [
        "x.yaml:32:15: option 2 of inject 'early' sets unknown fact 'redy'; did you mean 'ready'?"
    ]


def test_unknown_trigger_party_condition_and_event_in_effects(tmp_path):
    text = FIXTURE.replace("            fire: sign\n        - label: Count", "            fire: sing\n            add_conditions:\n              alfa: x\n              alpha: [is_redy]\n            skip: [first_tri]\n        - label: Count")
    assert problems(tmp_path, text) == [
        "x.yaml:33:19: 'fire' of option 2 of inject 'early' names unknown trigger 'sing'; did you mean 'sign'?",
        "x.yaml:35:15: add_conditions of option 2 of inject 'early' names unknown party 'alfa'; did you mean 'alpha'?",
        "x.yaml:36:23: add_conditions of option 2 of inject 'early': party 'alpha' has no condition 'is_redy'; did you mean 'is_ready'?",
        "x.yaml:37:20: skip of option 2 of inject 'early': unknown event 'first_tri'; did you mean 'first_try'?",
    ]


def test_an_option_cannot_change_the_past(tmp_path):
    text = FIXTURE.replace("            fire: sign\n        - label: Count", "            retime:\n              alpha_ready: 2020-01-01T08:00\n        - label: Count").replace(
        "  - at: 2020-01-01T09:00\n    id: early", "  - at: 2020-01-01T10:30\n    id: early"
    ).replace("at: 2020-01-01T09:30\n    id: news", "at: 2020-01-01T10:45\n    id: news")
    text = text.replace("        - label: Wait\n", "        - label: Wait\n          effects:\n            skip: first_try\n")
    assert problems(tmp_path, text) == [
        "x.yaml:29:19: skip of option 1 of inject 'early': event 'first_try' at 2020-01-01 10:00 has already happened when the inject comes; an option can only change what comes later",
        "x.yaml:36:28: retime of option 2 of inject 'early': the new time of 'alpha_ready' must come after the inject (2020-01-01 10:30)",
    ]


def test_roles_to_objectives_and_decisions_are_checked(tmp_path):
    text = (
        FIXTURE.replace("roles: [alpha]", "roles: [alpha, beta]")
        .replace("    to: alpha\n    message: The mediators", "    to: alpa\n    message: The mediators")
        .replace("    reach: signed\n    by:", "    reach: sined\n    by:")
        .replace("        - label: Try again\n          effects:\n            fire: sign\n", "")
        .replace("    final: signed", "    final: signed\n    never: open")
    )
    assert problems(tmp_path, text) == [
        "x.yaml:6:16: role 'beta' is not a party of scenario 'mini'; known parties: alpha",
        "x.yaml:10:12: objective 'signed_early': unknown state 'sined'; did you mean 'signed'?",
        "x.yaml:12:5: objective 'ends_signed' needs exactly one of reach, never, final or fact, not never and final",
        "x.yaml:22:9: 'to' of inject 'early' names 'alpa', which is not a role; did you mean 'alpha'?",
        "x.yaml:51:9: inject 'late' has a decision with 1 option(s); give at least two, or drop 'decision'",
    ]


def test_not_an_exercise(tmp_path):
    path = write_fixture(tmp_path, "negsim: 1\nid: x\n")
    result = run("exercise", "play", path)
    assert result.exit_code == 1
    assert result.stderr == f"{path}:1:1: this is a scenario file, not an exercise; run it with 'negsim replay FILE'\n"
    assert run("validate", str(SCENARIOS / "aleppo-2016-12.yaml")).exit_code == 0


def test_unknown_exercise_id_is_a_usage_error():
    result = run("exercise", "brief", "aleppo-mediators")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no bundled exercise or file named 'aleppo-mediators'; did you mean 'aleppo-mediators-exercise'?")


# --- the facilitator's sheet -------------------------------------------------------


def test_brief_markdown_lists_every_inject_and_objective():
    ex = load_exercise(str(SCENARIOS / "aleppo-mediators-exercise.yaml"))
    md = render_brief_markdown(ex)
    assert md.startswith("# Mediating in Aleppo, 14 December 2016: the evacuation deal under strain: facilitator's sheet\n")
    assert "| # | time | id | to | message | expected action | options |" in md
    for i in ex.injects:
        assert f"| {i.id} |" in md
    for o in ex.objectives:
        assert f"| {o.id} |" in md
    assert "| rescued_early | New terms are agreed by mid-afternoon, not late at night | reach renegotiated by 14 Dec 2016 15:00 |" in md


def test_brief_csv_is_a_master_scenario_events_list(tmp_path):
    ex = load_exercise(str(SCENARIOS / "aleppo-mediators-exercise.yaml"))
    text = render_brief_csv(ex)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS == (
        "seq", "time", "inject_id", "from", "to", "method", "message", "expected_action", "objective", "options", "if"
    )
    assert rows[1]["if"] == 'state == "turned_back"' and rows[0]["if"] == ""
    assert [r["inject_id"] for r in rows] == [i.id for i in ex.injects]
    assert rows[0]["time"] == "2016-12-14 04:30" and rows[0]["to"] == "russia" and rows[0]["method"] == "phone"
    assert rows[3]["objective"] == "rescued_early; deal_alive"
    assert text.count("\r\n") == len(rows) + 1
    out = tmp_path / "msel.csv"
    assert run("exercise", "brief", "aleppo-mediators-exercise", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == text.encode("utf-8")
    again = run("exercise", "brief", "aleppo-mediators-exercise", "--format", "csv", "-o", str(out))
    assert again.exit_code == 2 and again.stderr == f"Error: {out} already exists; use --force to overwrite it\n"


@pytest.mark.parametrize("command", ["play", "brief", "check"])
def test_exercise_commands_have_help_with_an_example(command):
    result = run("exercise", command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and f"negsim exercise {command}" in result.output


def test_empty_to_is_an_error(tmp_path):
    text = FIXTURE.replace("    id: news\n    to: alpha\n", "    id: news\n    to: []\n")
    assert problems(tmp_path, text) == ["x.yaml:40:9: 'to' of inject 'news' is empty; name the roles it goes to"]


def test_inject_ids_are_unique_and_injects_in_time_order(tmp_path):
    text = FIXTURE.replace("  - at: 2020-01-01T09:30\n    id: news\n", "  - at: 2020-01-01T08:30\n    id: early\n")
    assert problems(tmp_path, text) == [
        "x.yaml:38:5: injects out of order: inject 'early' at 2020-01-01 08:30 comes after inject 'early' at 2020-01-01 09:00; sort injects by time",
        "x.yaml:39:9: inject id 'early' is used twice (first at line 19)",
    ]


def test_exercise_format_version_and_kind(tmp_path):
    assert problems(tmp_path, "negsim-exercise: 2\nid: a\n") == [
        "x.yaml:1:18: exercise format version 2 is not supported; this negsim reads 'negsim-exercise: 1'"
    ]
    assert problems(tmp_path, "negsim-variant: 1\nid: a\n") == [
        "x.yaml:1:1: this is a variant file, not an exercise; use it with --variant FILE"
    ]


def test_an_exercise_refuses_an_uncertain_scenario(tmp_path):
    text = (SCENARIOS / "aleppo-mediators-exercise.yaml").read_text(encoding="utf-8")
    path = tmp_path / "uncertain.yaml"
    path.write_text(text.replace("scenario: aleppo-2016-12\n", "scenario: aleppo-2016-12\nvariants: [aleppo-uncertain]\n"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_exercise(str(path))
    line = text.splitlines().index("scenario: aleppo-2016-12") + 2
    assert [str(p) for p in err.value.problems] == [
        f"{path}:{line}:11: an exercise replays one history, but this scenario is uncertain (fact 'checkpoints_open' "
        "is drawn); use a scenario or variants without 'p', 'jitter' or 'draw'"
    ]


def test_an_exercise_id_that_is_not_a_word_is_refused(tmp_path):
    text = (SCENARIOS / "fenmarch-exercise.yaml").read_text(encoding="utf-8")
    path = tmp_path / "x.yaml"
    path.write_text(text.replace("id: fenmarch-exercise\n", "id: {name: fenmarch}\n", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_exercise(str(path))
    assert any(p.message == "the exercise id must be a word such as 'aleppo-mediators-exercise'" for p in err.value.problems)

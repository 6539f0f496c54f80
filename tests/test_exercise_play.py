"""Playing exercises: scripted plays reach every ending, the prompt as a real
subprocess, facilitator commands, saved sessions, and the transcript's shape."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hypothesis import given, settings
from hypothesis import strategies as st

from negsim.cli import cli
from negsim.exercise import load_exercise
from negsim.exercise_check import check_exercise
from negsim.session import DECIDE, DELIVER, Action, Session

from .conftest import ROOT, SCENARIOS
from .exercise_fixtures import write_fixture

ALEPPO = "aleppo-mediators-exercise"
FENMARCH = "fenmarch-exercise"


def run(*args: str, input: str | None = None):  # noqa: A002
    return CliRunner().invoke(cli, list(args), prog_name="negsim", input=input)


def negsim_cmd(*args: str, input: bytes = b"") -> subprocess.CompletedProcess[bytes]:  # noqa: A002
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NEGSIM_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "negsim", *args], input=input, capture_output=True, env=env, timeout=60)


def play_with(tmp_path, exercise: str, answers: dict[str, object], *extra: str):
    path = tmp_path / "answers.yaml"
    path.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in answers.items()), encoding="utf-8")
    transcript = tmp_path / "run.json"
    result = run("exercise", "play", exercise, "--answers", str(path), "--transcript", str(transcript), *extra)
    assert result.exit_code == 0, result.output
    return result, json.loads(transcript.read_text(encoding="utf-8"))


# --- every ending of the bundled exercises ------------------------------------------

ALEPPO_ENDINGS = [
    ({"checkpoints": 2}, "evacuating", ["evacuation_at_dawn", "no_collapse", "deal_alive", "no_retaliation"]),
    ({"checkpoints": 1, "nobody_left": 1, "new_demands": 1, "ceasefire_due": 1}, "reinstated", ["deal_alive"]),
    ({"checkpoints": 1, "nobody_left": 1, "new_demands": 3}, "collapsed", []),
    ({"checkpoints": 1, "nobody_left": 1, "new_demands": "Turkey backs the rebels' figure of 10,000 evacuees"}, "collapsed", []),
    ({"checkpoints": 1, "nobody_left": 2, "new_demands": 2, "ceasefire_due": 1}, "reinstated",
     ["no_collapse", "deal_alive", "rescued_early", "no_retaliation"]),
    ({"checkpoints": 1, "nobody_left": 1, "new_demands": 1, "ceasefire_due": 2}, "renegotiated", []),
    ({"checkpoints": 1, "nobody_left": 2, "new_demands": 3}, "turned_back", ["no_collapse", "no_retaliation"]),
]


@pytest.mark.parametrize(("answers", "final", "met"), ALEPPO_ENDINGS)
def test_aleppo_endings(tmp_path, answers, final, met):
    result, data = play_with(tmp_path, ALEPPO, answers)
    assert data["trace"]["final_state"] == final
    assert [o["id"] for o in data["objectives"] if o["met"]] == met
    assert "=" * 30 + " Debrief " + "=" * 30 in result.stdout


def test_aleppo_history_follows_the_article(tmp_path):
    """Taking the options that leave events as written reproduces the article's run."""
    _, data = play_with(tmp_path, ALEPPO, {"checkpoints": 1, "nobody_left": 1, "new_demands": 1, "ceasefire_due": 1})
    assert data["trace"]["path"] == data["historical_path"]
    assert data["divergence"] is None
    statuses = {i["inject"]: i["status"] for i in data["injects"]}
    assert statuses == {"checkpoints": "decided", "nobody_left": "decided", "violence": "delivered", "new_demands": "decided", "ceasefire_due": "decided"}


def test_aleppo_evacuation_at_dawn_debrief(tmp_path):
    result, data = play_with(tmp_path, ALEPPO, {"checkpoints": 2})
    assert data["divergence"] == {"at": "2016-12-14T05:00:00+02:00", "event": "departure_due"}
    assert data["decisions"] == [
        {
            "inject": "checkpoints",
            "at": "2016-12-14T04:30:00+02:00",
            "option": 2,
            "label": "Press Damascus and the militias' commanders to open the checkpoints now",
            "expected": True,
            "by": "answers",
            "consequence": "without it the deal would have ended reinstated, not evacuating",
        }
    ]
    out = result.stdout
    assert "  [met] The evacuation begins at dawn on Wednesday (reach evacuating by 14 Dec\n" in out
    assert "the deal reached evacuating at 14 Dec 05:00 (departure_due)" in out
    assert "  Paths part at 14 Dec 05:00, event departure_due: players buses_staged ->\n  evacuating; history buses_staged -> turned_back.\n" in out
    assert "  nobody_left: The mediators get the government to hold its fire on the\n" in out


FENMARCH_ENDINGS = [
    ({"engineers": 2, "gate": 2, "artillery": 2}, "water_restored", ["repairs_by_ten", "pause_holds", "water_tonight", "engineers_home"]),
    ({"engineers": 1, "gate": 1, "artillery": 1, "exchange_offer": 1}, "water_restored", ["water_tonight", "engineers_home"]),
    ({"engineers": 1, "gate": 1, "artillery": 1, "exchange_offer": 2}, "broken", []),
]


@pytest.mark.parametrize(("answers", "final", "met"), FENMARCH_ENDINGS)
def test_fenmarch_endings(tmp_path, answers, final, met):
    _, data = play_with(tmp_path, FENMARCH, answers)
    assert data["trace"]["final_state"] == final
    assert [o["id"] for o in data["objectives"] if o["met"]] == met


def test_a_role_nobody_plays_takes_option_1(tmp_path):
    result, data = play_with(tmp_path, FENMARCH, {"engineers": 2, "artillery": 2}, "--role", "front")
    assert data["roles"] == ["front"]
    assert [(d["inject"], d["option"], d["by"]) for d in data["decisions"]] == [
        ("engineers", 2, "answers"), ("gate", 1, "default"), ("artillery", 2, "answers")
    ]
    assert "Fenmarch Town Guard (guard, not played: its decisions take option 1)" in result.stdout


# --- answers files ------------------------------------------------------------------


def test_bad_answers_file(tmp_path):
    path = write_fixture(tmp_path)
    answers = tmp_path / "a.yaml"
    answers.write_text("erly: 1\nearly: 7\nnews: 1\nlate: Keep waiting\n", encoding="utf-8")
    result = run("exercise", "play", path, "--answers", str(answers))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{answers}:1:1: unknown inject 'erly'; did you mean 'early'?\n"
        f"{answers}:2:8: inject 'early' has no option '7'; answer 1 to 3 or a label\n"
        f"{answers}:3:1: inject 'news' has no decision to answer\n"
        f"{answers}:4:7: inject 'late' has no option 'Keep waiting'; answer 1 to 2 or a label\n"
    )
    assert result.stdout == ""


def test_missing_answer(tmp_path):
    path = write_fixture(tmp_path)
    answers = tmp_path / "a.json"
    answers.write_text('{"late": 1}', encoding="utf-8")
    result = run("exercise", "play", path, "--answers", str(answers))
    assert result.exit_code == 1
    assert result.stderr == f"{answers}: no answer for inject 'early' (options: 1. Wait; 2. Get ready now; 3. Count again)\n"


def test_answers_by_label_and_json(tmp_path):
    path = write_fixture(tmp_path)
    answers = tmp_path / "a.json"
    answers.write_text('{"early": "get ready NOW"}', encoding="utf-8")
    result = run("exercise", "play", path, "--answers", str(answers))
    assert result.exit_code == 0
    assert "  Alpha: 2. Get ready now\n" in result.stdout
    assert "  [met] The deal is signed by 10:30 (reach signed by 01 Jan 2020 10:30)\n" in result.stdout


# --- the prompt -----------------------------------------------------------------------


def test_interactive_subprocess_reasks_and_takes_commands(tmp_path):
    path = write_fixture(tmp_path)
    proc = negsim_cmd("exercise", "play", path, input=b"bogus\n9\nhelp\nstate\nconditions\n2\n\n")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert out.count("Choice [1-3] (or 'help'): ") == 6
    assert "  'bogus' is not an option: answer 1 to 3, a label, or a command ('help' lists them).\n" in out
    assert "  '9' is not an option: answer 1 to 3, a label, or a command ('help' lists them).\n" in out
    assert "  fire ID       bring a later inject forward to now\n" in out
    assert "At 01 Jan 09:00 the deal is open: Talks are open\nFacts:\n  ready = false\n  count = 2\n" in out
    assert "  Alpha: conditions in force\n    - Alpha is ready [NOT met]\n" in out
    assert "  -> 2. Get ready now\n" in out
    assert "Press Enter to go on (or 'help'): " in out
    assert "End of the exercise.\n" in out and "Debrief" in out


def test_end_of_input_stops_cleanly(tmp_path):
    path = write_fixture(tmp_path)
    proc = negsim_cmd("exercise", "play", path, input=b"bogus\n")
    assert proc.returncode == 1
    assert proc.stderr == b"negsim: end of input at inject early: the exercise stops here, without a debrief\n"
    assert b"Traceback" not in proc.stdout + proc.stderr


def test_quit_stops_with_status_0(tmp_path):
    path = write_fixture(tmp_path)
    result = run("exercise", "play", path, input="quit\n")
    assert result.exit_code == 0
    assert result.stderr == "negsim: stopped at inject early, without a debrief\n"


def test_skip_fire_and_undo(tmp_path):
    path = write_fixture(tmp_path)
    transcript = tmp_path / "t.json"
    # decide 1; at the next prompt undo it; decide 2; go on
    result = run("exercise", "play", path, "--transcript", str(transcript), input="1\nundo\n2\n\n")
    assert result.exit_code == 0, result.output
    assert "  Undone: decide early.\n" in result.stdout
    data = json.loads(transcript.read_text())
    assert [(a["kind"], a["inject"], a["option"]) for a in data["actions"]] == [("decide", "early", 2), ("deliver", "news", None)]
    # bring 'news' forward to 09:00, before 'early'
    fired = run("exercise", "play", path, "--transcript", str(tmp_path / "f.json"), input="fire news\n\n2\n")
    assert fired.exit_code == 0, fired.output
    assert "  Inject news is brought forward to 01 Jan 09:00.\n" in fired.stdout
    data = json.loads((tmp_path / "f.json").read_text())
    assert [(a["kind"], a["inject"], a["at"]) for a in data["actions"]] == [
        ("fire", "news", "2020-01-01T09:00:00+00:00"), ("deliver", "news", None), ("decide", "early", None)
    ]
    skipped = run("exercise", "play", path, input="undo\nfire nope\nfire early\nskip\n\n")
    assert "  Nothing to undo.\n" in skipped.stdout
    assert "  Cannot fire 'nope': it is not an inject; not yet played: news, late\n" in skipped.stdout
    assert "  Cannot fire 'early': it is this inject; not yet played: news, late\n" in skipped.stdout
    assert "  Skipped inject early.\n" in skipped.stdout
    assert "    skipped by the facilitator\n" in skipped.stdout


def test_save_and_resume(tmp_path):
    path = write_fixture(tmp_path)
    saved = tmp_path / "session.json"
    first = run("exercise", "play", path, input=f"save {saved}\nsave {saved}\nquit\n")
    assert first.exit_code == 0
    assert f"  Saved to {saved}; continue later with --resume {saved}\n" in first.stdout
    assert f"  Not saved: {saved} already exists; use --force to overwrite it\n" in first.stdout
    second = run("exercise", "play", path, "--resume", str(saved), input="2\n\n")
    assert second.exit_code == 0
    assert f"Resumed from {saved}: 0 actions already taken." in second.stdout
    mid = run("exercise", "play", path, input=f"2\nsave {tmp_path / 'mid.json'}\nquit\n")
    assert mid.exit_code == 0
    data = json.loads((tmp_path / "mid.json").read_text())
    assert list(data) == ["negsim_session", "exercise", "exercise_sha256", "roles", "actions"]
    spaced = tmp_path / "my session.json"
    assert f"  Saved to {spaced};" in run("exercise", "play", path, input=f"save '{spaced}'\nquit\n").stdout
    assert spaced.exists()
    resumed = run("exercise", "play", path, "--resume", str(tmp_path / "mid.json"), input="\n")
    assert resumed.exit_code == 0 and "1 action already taken" in resumed.stdout
    assert "  early: 2. Get ready now\n" in resumed.stdout


def test_resume_refuses_a_changed_exercise(tmp_path):
    path = write_fixture(tmp_path)
    saved = tmp_path / "s.json"
    run("exercise", "play", path, input=f"save {saved}\nquit\n")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    result = run("exercise", "play", path, "--resume", str(saved))
    assert result.exit_code == 1
    assert result.stderr == f"{saved}: exercise 'fixture' has changed since this session was saved; its decisions may no longer fit\n"


def test_outputs_are_never_overwritten_silently(tmp_path):
    path = write_fixture(tmp_path)
    transcript = tmp_path / "t.json"
    transcript.write_text("keep", encoding="utf-8")
    result = run("exercise", "play", path, "--transcript", str(transcript), input="2\n\n")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {transcript} already exists; use --force to overwrite it\n"
    assert transcript.read_text() == "keep"


# --- the transcript ------------------------------------------------------------------


def documented_keys() -> dict[str, list[str]]:
    """Each '## section' of docs/reference/transcript-json.md -> the keys its table lists, in order."""
    text = (ROOT / "docs" / "reference" / "transcript-json.md").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = section.split("\n", 1)[0].strip().strip("`")
        keys = re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.M)
        if keys:
            out[name] = keys
    return out


def test_transcript_has_the_documented_shape(tmp_path):
    _, data = play_with(tmp_path, ALEPPO, {"checkpoints": 1, "nobody_left": 2, "new_demands": 2, "ceasefire_due": 1})
    doc = documented_keys()
    assert list(data) == doc["Top level"]
    for name in ("actions", "decisions", "injects", "objectives"):
        assert data[name], name
        for item in data[name]:
            assert list(item) == doc[name], name
    assert list(data["divergence"]) == doc["divergence"]
    assert list(data["trace"])[:3] == ["negsim_version", "scenario", "title"]
    assert all(isinstance(o["met"], bool) and o["why"] for o in data["objectives"])


def test_transcript_is_byte_identical_across_runs(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("checkpoints: 1\nnobody_left: 1\nnew_demands: 4\n", encoding="utf-8")
    outs = []
    for n in (1, 2):
        target = tmp_path / f"t{n}.json"
        proc = negsim_cmd("exercise", "play", ALEPPO, "--answers", str(answers), "--transcript", str(target), "--debrief", str(tmp_path / f"d{n}.md"))
        assert proc.returncode == 0, proc.stderr
        outs.append((target.read_bytes(), (tmp_path / f"d{n}.md").read_bytes(), proc.stdout))
    assert outs[0] == outs[1]
    md = outs[0][1].decode()
    assert md.startswith("# Debrief: Mediating in Aleppo, 14 December 2016: the evacuation deal under strain\n")
    assert "| The cease-fire does not collapse | never collapsed | not met | the deal reached collapsed at 14 Dec 07:00 (shelling_resumes) |" in md


def test_check_bundled_exercises_are_clean():
    for name in (ALEPPO, FENMARCH):
        result = run("exercise", "check", name)
        assert result.exit_code == 0, result.output
        assert result.stdout.endswith("No authoring problems found.\n")
    assert "13 combination(s) of choices, 13 branch(es)" in run("exercise", "check", ALEPPO).stdout


def test_ctrl_c_stops_cleanly(tmp_path, monkeypatch):
    import negsim.play

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(negsim.play, "play", interrupted)
    result = run("exercise", "play", write_fixture(tmp_path))
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: the exercise stops here, without a debrief.\n"


def test_variants_apply_before_play(tmp_path):
    text = (SCENARIOS / "aleppo-mediators-exercise.yaml").read_text(encoding="utf-8")
    text = text.replace("scenario: aleppo-2016-12\n", "scenario: aleppo-2016-12\nvariants: [aleppo-militias-stand-aside]\n")
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    ex = load_exercise(str(path))
    assert ex.scenario.applied and ex.scenario.applied[0].startswith("variant aleppo-militias-stand-aside: ")
    bad = text.replace("[aleppo-militias-stand-aside]", "[aleppo-militia-stand-aside]")
    path.write_text(bad, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:16:12: variant 'aleppo-militia-stand-aside' not found: give a bundled variant id or a path relative "
        "to this file; did you mean 'aleppo-militias-stand-aside'?\n"
    )


_ALEPPO = load_exercise(str(SCENARIOS / f"{ALEPPO}.yaml"))
_ENDINGS = {b.trace.path for b in check_exercise(_ALEPPO).branches}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=5, max_size=5))
def test_every_play_ends_on_a_branch_the_check_found(picks):
    session = Session(_ALEPPO, tuple(_ALEPPO.roles))
    for pick in picks:
        pos = session.position()
        if pos is None:
            break
        inject = pos.inject
        if inject.options:
            session = session.add(Action(DECIDE, inject.id, min(pick, len(inject.options)), "player"))
        else:
            session = session.add(Action(DELIVER, inject.id))
    while (pos := session.position()) is not None:
        session = session.add(Action(DECIDE, pos.inject.id, 1, "player") if pos.inject.options else Action(DELIVER, pos.inject.id))
    assert session.run().path in _ENDINGS


def test_a_fired_inject_whose_if_fails_is_reported(tmp_path):
    path = write_fixture(tmp_path)
    early = run("exercise", "play", path, input="fire late\n2\n2\n\n")
    assert early.exit_code == 0, early.output
    assert "== Wed 01 Jan 09:00  inject late, to Alpha ==" in early.stdout  # the deal is still open at 09:00
    # once early=2 has signed the deal, 'late' (if state == "open") cannot be fired: it keeps its own time
    signed = run("exercise", "play", path, input="2\nfire late\n\n")
    assert signed.exit_code == 0, signed.output
    assert ("Cannot fire 'late' now: its 'if: state == \"open\"' does not hold at 01 Jan 09:30 (the deal is signed); "
            "it stays at its own time.\n") in signed.stdout


def test_resume_rejects_files_that_are_not_sessions(tmp_path):
    path = write_fixture(tmp_path)
    bad = tmp_path / "bad.json"
    cases = {
        '{"negsim_session": 1,': f"{bad}:1:22: not a saved session: Expecting property name enclosed in double quotes\n",
        '{"hello": 1}': f"{bad}: not a saved negsim session (it has no 'negsim_session': 1)\n",
        '{"negsim_session": 1, "exercise": "other"}': f"{bad}: this session is of exercise 'other', not 'fixture'\n",
    }
    for text, message in cases.items():
        bad.write_text(text, encoding="utf-8")
        result = run("exercise", "play", path, "--resume", str(bad))
        assert result.exit_code == 1 and result.stderr == message, result.stderr
    from negsim.exercise import load_exercise

    ex = load_exercise(path)
    bad.write_text(json.dumps({
        "negsim_session": 1, "exercise": "fixture", "exercise_sha256": ex.sha256, "roles": ["alpha"],
        "actions": [{"kind": "decide", "inject": "news", "option": 1}],
    }), encoding="utf-8")
    result = run("exercise", "play", path, "--resume", str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"{bad}: action 1: inject 'news' is not the next one in this session\n"


def test_input_in_another_encoding_or_absurdly_long_is_asked_again():
    proc = negsim_cmd("exercise", "play", "fenmarch-exercise", input=b"\xe9t\xe9\n" + b"9" * 100_000 + b"\n")
    out = proc.stdout.decode()
    assert proc.returncode == 1, proc.stderr  # the input then ends: stopped cleanly, no crash
    assert "'\ufffdt\ufffd' is not an option" in out
    assert "'" + "9" * 37 + "...' is not an option" in out
    assert b"internal error" not in proc.stderr


def test_output_paths_are_refused_before_play(tmp_path):
    same = str(tmp_path / "s.json")
    proc = negsim_cmd("exercise", "play", "fenmarch-exercise", "--transcript", same, "--debrief", same)
    assert (proc.returncode, proc.stderr.decode()) == (2, f"Error: --transcript and --debrief both name {same}; give them different files\n")
    proc = negsim_cmd("exercise", "play", "fenmarch-exercise", "--transcript", str(tmp_path))
    assert (proc.returncode, proc.stderr.decode()) == (2, f"Error: cannot write to {tmp_path}: it is a directory\n")
    assert proc.stdout == b""  # refused before the brief was shown


def test_an_inject_whose_if_does_not_hold_cannot_be_fired_early():
    proc = negsim_cmd("exercise", "play", "aleppo-mediators-exercise", input=b"fire ceasefire_due\nquit\n")
    assert proc.returncode == 0
    assert ("Cannot fire 'ceasefire_due' now: its 'if: state == \"renegotiated\"' does not hold at 14 Dec 04:30 "
            "(the deal is buses_staged); it stays at its own time.") in proc.stdout.decode()

"""negsim lint: one fixture with one of each warning, the bundled files, the command."""

from __future__ import annotations

from pathlib import Path

import pytest

import negsim
from negsim import yamlsource
from negsim.lint import format_warning, lint

from .conftest import ARTICLE, MINIMAL, ROOT
from .test_cli import negsim_cmd, run

FIXTURE = ROOT / "tests" / "data" / "lint-every-warning.yaml"
F = "tests/data/lint-every-warning.yaml"

EVERY_WARNING = [
    f"{F}:12:3: warning: fact 'weather' is never changed by any event, so every guard reading it sees 'fine'; "
    "set it in an event, or give it levers if only what-ifs should change it",
    f"{F}:13:3: warning: fact 'unused' is never read by any guard; use it in a 'when' or 'if', or delete it",
    f"{F}:24:7: warning: condition 'north.never_added' starts inactive and no event adds it, so no step ever checks it; "
    "add it in an event's add_conditions, or drop 'active: false'",
    f"{F}:28:7: warning: condition 'north.late' is never checked: no timeline event at or after 'late_demand', which adds it, "
    "tries a step that needs 'north' to consent (agree)",
    f"{F}:38:3: warning: party 'east' consents to no transition, so its conditions never block anything; "
    "add it to a transition's 'consent' or delete it",
    f"{F}:50:5: warning: state 'abandoned' cannot be reached by the triggers the timeline tries; "
    "no replay of this file ends up there (only what-ifs that add events can)",
    f"{F}:56:7: warning: trigger 'move' can never fire: its guard 'convoy_ready' is false for every value the timeline gives its facts",
    f"{F}:76:9: warning: cite of event 'dawn' is not word for word in the source files; "
    "it matches as far as '...Convoys were to leave at ' and then differs at 'noon, with the wound'",
    f"{F}:77:5: warning: event 'late_demand' has no cite, but the scenario has sources; quote the words it rests on",
]

ARTICLE_WARNINGS = [
    "28:3: warning: fact 'destination' is never changed by any event, so every guard reading it sees 'idlib'; "
    "set it in an event, or give it levers if only what-ifs should change it",
    "41:3: warning: fact 'rebels_retaliated' is never read by any guard; use it in a 'when' or 'if', or delete it",
    "153:7: warning: trigger 'depart' can never fire: condition 'militias.open_checkpoints' ('checkpoints_open') "
    "never holds for the values the timeline gives its facts, and no event drops it",
]


def warnings_of(path: str) -> list[str]:
    return [format_warning(w) for w in lint(negsim.load(path), yamlsource.load(path))]


def test_one_of_each_warning(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert warnings_of(F) == EVERY_WARNING


def test_the_article_has_three_explained_warnings():
    path = str(ARTICLE)
    assert warnings_of(path) == [f"{path}:{w}" for w in ARTICLE_WARNINGS]
    explained = (ROOT / "docs" / "explanation" / "aleppo-model.md").read_text(encoding="utf-8")
    for fact in ("`destination` is never changed", "`rebels_retaliated` is never read", "`depart` can never fire"):
        assert fact in explained


def test_the_documented_example_is_clean():
    assert warnings_of(str(ROOT / "docs" / "examples" / "ceasefire-town.yaml")) == []


def test_without_the_parsed_file_a_bad_quote_points_at_its_event(monkeypatch):
    monkeypatch.chdir(ROOT)
    found = [format_warning(w) for w in lint(negsim.load(F))]
    assert f"{F}:71:5: warning: cite of event 'dawn' is not word for word" in "\n".join(found)


def test_quotes_match_across_line_breaks_and_spaces(write, tmp_path):
    (tmp_path / "src.txt").write_text("One   two\nthree four.\n", encoding="utf-8")
    text = MINIMAL.replace('timezone: "+00:00"\n', 'timezone: "+00:00"\nsources:\n  - id: s\n    title: S\n    file: src.txt\n')
    text = text.replace("    trigger: sign\n  - at", "    trigger: sign\n    cite: One two three\n  - at")
    text = text.replace("      ready: true\n    trigger: sign\n", "      ready: true\n    trigger: sign\n    cite: |\n      two\n        three four.\n")
    assert [w for w in warnings_of(write(text)) if "cite of" in w or "no cite" in w] == []


def test_no_cite_warnings_without_sources(write):
    assert [w for w in warnings_of(write(MINIMAL)) if "cite of" in w or "no cite" in w] == []


def test_a_fact_with_levers_may_stay_unchanged(write):
    text = MINIMAL.replace("  ready: false\n", "  ready:\n    value: false\n    levers: [true]\n")
    text = text.replace("      ready: true\n", "      count: 3\n")
    found = warnings_of(write(text))
    assert not any("fact 'ready'" in w for w in found)
    assert any("trigger 'sign' can never fire: condition 'alpha.is_ready'" in w for w in found)


def test_a_dropped_condition_does_not_make_a_trigger_dead(write):
    text = MINIMAL.replace(
        "      ready: true\n    trigger: sign\n", "      count: 3\n    drop_conditions:\n      alpha: is_ready\n    trigger: sign\n"
    )
    assert not any("can never fire" in w for w in warnings_of(write(text)))


def test_guards_reading_state_are_tried_in_each_source_state(write):
    text = MINIMAL.replace("      consent: [alpha]\n", '      consent: [alpha]\n      when: state == "open"\n')
    assert not any("can never fire" in w for w in warnings_of(write(text)))
    text = MINIMAL.replace("      consent: [alpha]\n", '      consent: [alpha]\n      when: state == "signed"\n')
    assert any("trigger 'sign' can never fire: its guard 'state == \"signed\"'" in w for w in warnings_of(write(text)))


# --- the command -------------------------------------------------------------------


def test_lint_command_exit_statuses(monkeypatch, write):
    monkeypatch.chdir(ROOT)
    result = run("lint", F)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == EVERY_WARNING
    assert run("lint", "--strict", F).exit_code == 1
    clean = run("lint", "--strict", "docs/examples/ceasefire-town.yaml")
    assert clean.exit_code == 0 and clean.stdout == "docs/examples/ceasefire-town.yaml: ok (no warnings)\n"


def test_lint_reports_invalid_files_and_goes_on(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("lint", "docs/examples/my-deal.yaml", "missing.yaml", "aleppo-no-shelling", "docs/examples/ceasefire-town.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "docs/examples/my-deal.yaml:14:15: condition 'rebels.safe_exit': unknown name 'convoy_redy'; did you mean 'convoy_ready'?",
        "docs/examples/my-deal.yaml:31:11: transition 'depart' goes to unknown state 'evacuatng'; did you mean 'evacuating'?",
    ]
    assert "missing.yaml: no such file" in result.stderr
    assert "aleppo-no-shelling.yaml: this is a variant file; lint reads scenario files (check it with 'negsim validate')" in result.stderr
    assert result.stdout == "docs/examples/ceasefire-town.yaml: ok (no warnings)\n"


def test_lint_subprocess():
    result = negsim_cmd("lint", F, cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.decode().splitlines() == EVERY_WARNING
    assert negsim_cmd("lint", "--strict", F, cwd=ROOT).returncode == 1


from hypothesis import given, settings  # noqa: E402

from negsim import scenario  # noqa: E402
from negsim.errors import ScenarioError  # noqa: E402

from .test_scenario import mutated  # noqa: E402


@settings(max_examples=200, deadline=None, database=None)
@given(mutated())
def test_lint_never_crashes_on_a_valid_file(text):
    try:
        root = yamlsource.parse(text, "s.yaml")
        sc = scenario.build(root, "s.yaml")
    except ScenarioError:
        return
    found = lint(sc, root)
    assert all(w.loc.file == "s.yaml" and w.loc.line >= 1 for w in found)
    assert found == sorted(found, key=lambda p: (p.loc.line, p.loc.col, p.message))


def test_lint_refuses_an_exercise_file(write):
    path = write("negsim-exercise: 1\nid: x\n")
    result = run("lint", path)
    assert result.exit_code == 1
    assert result.stderr == f"{path}: this is an exercise file; lint reads scenario files (check it with 'negsim validate')\n"


def test_a_source_that_is_not_utf8_does_not_crash(tmp_path, write):
    (tmp_path / "src.txt").write_bytes(b"caf\xe9 talks\n")
    text = MINIMAL.replace('timezone: "+00:00"\n', 'timezone: "+00:00"\nsources:\n  - id: s\n    title: S\n    file: src.txt\n')
    text = text.replace("    trigger: sign\n  - at", "    trigger: sign\n    cite: talks\n  - at")
    found = warnings_of(write(text))
    assert any("event 'alpha_ready' has no cite" in w for w in found)

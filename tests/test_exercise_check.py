"""The author's check: every combination of choices, converged runs merged."""

from __future__ import annotations

from click.testing import CliRunner

from negsim.cli import cli
from negsim.exercise import load_exercise
from negsim.exercise_check import check_exercise

from .exercise_fixtures import FIXTURE, write_fixture


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="negsim")


def test_fixture_branches_dead_option_unreached_inject_and_unmet_objective(tmp_path):
    path = write_fixture(tmp_path)
    report = check_exercise(load_exercise(path))
    assert report.combinations == 3
    assert len(report.branches) == 2
    assert [b.choices for b in report.branches] == [(("early", 1),), (("early", 2),)]
    assert [b.combinations for b in report.branches] == [2, 1]
    assert report.dead_options == (("early", 3, 1),)
    assert report.unreached == ("late",)
    assert report.unmet == ("never_open",)
    assert not report.ok


def test_check_command_output_and_status(tmp_path):
    path = write_fixture(tmp_path)
    result = run("exercise", "check", path)
    assert result.exit_code == 1
    assert result.stdout == (
        "A fixture exercise\n"
        "3 combination(s) of choices, 2 branch(es) after merging runs that converge (4 run(s))\n"
        "\n"
        "  1. early=1\n"
        "     ends signed: open > signed\n"
        "     objectives met: ends_signed\n"
        "     (2 combinations of choices end here)\n"
        "  2. early=2\n"
        "     ends signed: open > signed\n"
        "     objectives met: signed_early, ends_signed\n"
        "\n"
        "Endings: signed (2)\n"
    )
    assert result.stderr == (
        f"{path}:34:11: option 3 of inject 'early' changes nothing: every run that takes it joins option 1\n"
        f"{path}:42:5: no branch reaches inject 'late' ('if: state == \"open\"' never holds)\n"
        f"{path}:15:5: no branch meets objective 'never_open' (never open)\n"
    )


def test_a_clean_exercise_exits_0(tmp_path):
    text = (
        FIXTURE.replace("        - label: Count again\n          effects:\n            set:\n              count: 2\n", "")
        .replace("  - id: never_open\n    text: The deal is never open\n    never: open\n", "")
        .replace('    if: state == "open"\n', '    if: state == "signed"\n')
        .replace("            fire: sign\n        - label: Give up", "            set:\n              count: 5\n        - label: Give up")
    )
    path = write_fixture(tmp_path, text)
    result = run("exercise", "check", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("No authoring problems found.\n")
    report = check_exercise(load_exercise(path))
    assert (report.combinations, len(report.branches), report.unreached) == (4, 4, ())


def test_converging_choices_are_explored_once(tmp_path):
    """Two decisions whose options all lead to the same situation: 4 combinations, 1 branch."""
    text = FIXTURE.replace(
        "        - label: Get ready now\n          expected: true\n          effects:\n            set:\n              ready: true\n            fire: sign\n",
        "        - label: Get ready now\n          expected: true\n          effects:\n            set:\n              count: 2\n",
    ).replace("        - label: Count again\n          effects:\n            set:\n              count: 2\n", "")
    text = text.replace("  - at: 2020-01-01T09:30\n    id: news\n    to: alpha\n    message: A note from the capital.\n",
                        "  - at: 2020-01-01T09:30\n    id: news\n    to: alpha\n    message: A note.\n    decision:\n      prompt: Read it?\n      options:\n        - label: Read\n        - label: Ignore\n")
    report = check_exercise(load_exercise(write_fixture(tmp_path, text)))
    assert report.combinations == 4
    assert len(report.branches) == 1
    assert report.runs == 5  # the start, two options at 'early', two at 'news' below the first
    assert report.dead_options == (("early", 2, 1), ("news", 2, 1))


def test_max_runs_stops_the_search(tmp_path):
    report = check_exercise(load_exercise(write_fixture(tmp_path)), max_runs=2)
    assert report.stopped and not report.ok

"""The command line, through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import negsim
from negsim.cli import cli

from .conftest import ARTICLE, MINIMAL, ROOT


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="negsim")


# --- CliRunner -----------------------------------------------------------------


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"negsim {negsim.__version__}\n"


@pytest.mark.parametrize("command", ["list", "show", "validate", "replay", "compare"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"negsim {command}" in result.output


def test_list_shows_the_article():
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Scenarios"
    assert lines[1].split(None, 1) == ["aleppo-2016-12", "Aleppo evacuation deal, 13-15 December 2016"]
    assert "Variants (what-ifs; replay or compare them)" in lines
    rows = json.loads(run("list", "--format", "json").stdout)
    assert rows[0]["id"] == "aleppo-2016-12" and rows[0]["kind"] == "scenario"
    variants = [r for r in rows if r["kind"] == "variant"]
    assert len(variants) >= 6 and all(r["base"] == "aleppo-2016-12" for r in variants)


def test_show_lists_parties_conditions_states_and_timeline():
    result = run("show", "aleppo-2016-12")
    assert result.exit_code == 0
    out = result.stdout
    for piece in (
        "Parties and their conditions",
        "  Iran (iran)",
        "    foua_kfraya: Foua and Kfraya are part of the deal",
        "(added later)",
        "Deal states (starts in negotiating)",
        "  depart: buses_staged -> evacuating",
        "      consent: militias, government, rebels",
        "  2016-12-14 05:00  departure_due:",
    ):
        assert piece in out
    data = json.loads(run("show", "aleppo-2016-12", "--format", "json").stdout)
    assert data["parties"]["iran"]["conditions"]["foua_kfraya"]["active"] is False


def test_replay_text_reads_like_a_timeline():
    result = run("replay", "aleppo-2016-12")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Aleppo evacuation deal, 13-15 December 2016\n")
    assert "\nWed 14 Dec 2016\n" in out
    assert (
        "05:00  The evacuation is due to begin; militias at the checkpoints turn the\n"
        "       buses away [departure_due]\n"
        "       depart: BLOCKED by\n"
        "         - Pro-government militias at the checkpoints: The militias manning the\n"
        "           checkpoints let the buses and ambulances through\n"
        "           [militias.open_checkpoints: checkpoints_open]\n"
        "       otherwise turn_back: buses_staged -> turned_back\n"
    ) in out
    assert out.endswith(
        "Final state: reinstated\n"
        "Path: negotiating > agreed > buses_staged > turned_back > collapsed >\n"
        "      renegotiated > reinstated\n"
    )
    assert max(len(line) for line in out.splitlines()) <= 80


def test_replay_json_by_path_and_by_id_agree():
    by_id = run("replay", "aleppo-2016-12", "--format", "json")
    by_path = run("replay", str(ARTICLE), "--format", "json")
    assert by_id.exit_code == by_path.exit_code == 0
    data = json.loads(by_id.stdout)
    assert data["final_state"] == "reinstated"
    assert json.loads(by_path.stdout)["steps"] == data["steps"]


def test_replay_output_file_is_written_and_never_overwritten_silently(tmp_path):
    target = tmp_path / "trace.json"
    first = run("replay", "aleppo-2016-12", "--format", "json", "-o", str(target))
    assert first.exit_code == 0 and first.stdout == ""
    assert json.loads(target.read_text())["final_state"] == "reinstated"
    target.write_text("my notes")
    again = run("replay", "aleppo-2016-12", "-o", str(target))
    assert again.exit_code == 2
    assert again.stderr == f"Error: {target} already exists; use --force to overwrite it\n"
    assert target.read_text() == "my notes"
    forced = run("replay", "aleppo-2016-12", "-o", str(target), "--force")
    assert forced.exit_code == 0 and target.read_text().startswith("Aleppo evacuation deal")
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]  # no temporary files left


def test_validate_ok_and_bad_files(write):
    good = write(MINIMAL, "good.yaml")
    bad = write(MINIMAL.replace("to: signed", "to: sigend").replace("when: ready", "when: redy"), "bad.yaml")
    result = run("validate", good, bad)
    assert result.exit_code == 1
    assert result.stdout == f"{good}: ok (scenario 'mini': 1 party, 2 states, 2 events)\n"
    assert result.stderr == (
        f"{bad}:14:15: condition 'alpha.is_ready': unknown name 'redy'; did you mean 'ready'?\n"
        f"{bad}:23:11: transition 'sign' goes to unknown state 'sigend'; did you mean 'signed'?\n"
    )


def test_validate_goes_on_after_a_missing_file(write):
    good = write(MINIMAL)
    result = run("validate", "missing.yaml", good, "aleppo-no-shelling")
    assert result.exit_code == 1
    assert result.stderr == "missing.yaml: no such file\n"
    assert result.stdout.splitlines()[0] == f"{good}: ok (scenario 'mini': 1 party, 2 states, 2 events)"
    assert result.stdout.splitlines()[1].endswith(": ok (variant of scenario 'aleppo-2016-12', 1 what-if)")


def test_no_arguments_shows_the_help():
    result = run()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: negsim [OPTIONS] COMMAND [ARGS]...")
    assert "Error" not in result.output


def test_validate_bundled_id():
    result = run("validate", "aleppo-2016-12")
    assert result.exit_code == 0 and ": ok (scenario 'aleppo-2016-12'" in result.stdout


def test_unknown_scenario_is_a_one_line_usage_error():
    result = run("replay", "aleppo-2016")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no bundled scenario or file named 'aleppo-2016'; did you mean 'aleppo-2016-12'? "
        "(bundled scenarios: aleppo-2016-12, fenmarch-water-truce; see 'negsim list')\n"
    )
    missing = run("replay", "nowhere/deal.yaml")
    assert (missing.exit_code, missing.stderr) == (2, "Error: no such file: nowhere/deal.yaml\n")


def test_click_usage_errors_are_one_line():
    result = run("replay", "aleppo-2016-12", "--colour")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: No such option")
    assert "--colour" in result.stderr and result.stderr.endswith("; see 'negsim replay --help'\n")
    missing = run("replay")
    assert missing.exit_code == 2
    assert missing.stderr == "Error: Missing argument 'SCENARIO'; see 'negsim replay --help'\n"
    bad_format = run("replay", "aleppo-2016-12", "--format", "xml")
    assert bad_format.exit_code == 2 and bad_format.stderr.count("\n") == 1


def test_invalid_scenario_exits_1_with_located_problems(write):
    path = write("negsim: 1\nid: x\n")
    result = run("replay", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:1:1: the scenario is missing the required key 'title'",
        f"{path}:1:1: the scenario is missing the required key 'timezone'",
        f"{path}:1:1: the scenario is missing the required key 'deal'",
        f"{path}:1:1: the scenario is missing the required key 'timeline'",
    ]


def test_directory_and_empty_file(tmp_path, write):
    result = run("replay", str(tmp_path))
    assert (result.exit_code, result.stderr) == (1, f"{tmp_path}: is a directory, not a YAML file\n")
    empty = write("")
    result = run("validate", empty)
    assert result.exit_code == 1
    assert result.stderr == f"{empty}:1:1: file is empty; a scenario file starts with 'negsim: 1'\n"


# --- real subprocesses -----------------------------------------------------------


def negsim_cmd(*args: str, **kw) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NEGSIM_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "negsim", *args], capture_output=True, env=env, timeout=60, **kw)


def test_subprocess_json_is_byte_identical_across_runs():
    a = negsim_cmd("replay", "aleppo-2016-12", "--format", "json")
    b = negsim_cmd("replay", "aleppo-2016-12", "--format", "json")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and a.stderr == b"" and b.stderr == b""
    assert json.loads(a.stdout)["final_state"] == "reinstated"


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00garbage",
        b"negsim: 1\nid: [unclosed\n",
        b"a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        b"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n",
        b"[" * 50000,
        b"!!python/object/apply:os.system ['echo owned']\n",
    ],
    ids=["binary", "syntax", "alias-bomb", "deep", "python-tag"],
)
def test_subprocess_hostile_files_never_show_a_traceback(tmp_path, content):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    result = negsim_cmd("replay", str(path))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert err.startswith(f"{path}:") and err.count("\n") == 1
    assert result.stdout == b""


def test_subprocess_usage_error_exit_2():
    result = negsim_cmd("replay")
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1


def test_installed_console_script_runs_the_article():
    exe = shutil.which("negsim", path=str(Path(sys.executable).parent)) or shutil.which("negsim")
    if exe is None:
        pytest.skip("negsim is not installed as a command here")
    result = subprocess.run([exe, "replay", "aleppo-2016-12", "--format", "json"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["final_state"] == "reinstated"


def test_output_follows_links_and_writes_into_devices(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert run("replay", "aleppo-2016-12", "-o", str(link), "--force").exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("Aleppo evacuation deal")
    devnull = os.devnull
    before = os.stat(devnull).st_mode
    assert run("replay", "aleppo-2016-12", "-o", devnull).exit_code == 0
    assert os.stat(devnull).st_mode == before  # still the device, not a file put in its place


def test_output_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "t.json"
        assert run("replay", "aleppo-2016-12", "-o", str(target)).exit_code == 0
    finally:
        os.umask(old)
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_empty_output_name_is_a_usage_error():
    result = run("replay", "aleppo-2016-12", "-o", "")
    assert (result.exit_code, result.stderr) == (2, "Error: -o needs a file name\n")


def test_a_reader_that_stops_early_is_not_an_error():
    proc = subprocess.run(
        f'"{sys.executable}" -m negsim replay aleppo-2016-12 | head -1',
        shell=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        executable="/bin/bash",
        timeout=60,
    )
    assert proc.stdout == b"Aleppo evacuation deal, 13-15 December 2016\n" and proc.stderr == b""
    status = subprocess.run(
        f'set -o pipefail; "{sys.executable}" -m negsim replay aleppo-2016-12 | true',
        shell=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        executable="/bin/bash",
        timeout=60,
    )
    assert status.returncode == 0


def test_a_global_option_after_the_command_says_where_it_goes():
    result = CliRunner().invoke(cli, ["replay", "aleppo-2016-12", "--no-color"], prog_name="negsim")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: No such option '--no-color': it goes before the command, as in 'negsim --no-color replay ...'; "
        "see 'negsim replay --help'\n"
    )

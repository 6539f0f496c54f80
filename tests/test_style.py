"""Colour: only on a terminal, never with NO_COLOR, and it only ever adds escape codes."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from negsim.cli import cli
from negsim.render.style import enabled, paint, plain

from .test_cli import negsim_cmd

COMMANDS = {
    "replay": ["replay", "aleppo-2016-12"],
    "compare": ["compare", "aleppo-2016-12", "--variant", "aleppo-no-russian-pressure"],
    "explain": ["explain", "aleppo-2016-12", "--reach", "evacuating"],
    "show": ["show", "aleppo-2016-12"],
    "validate": ["validate", "aleppo-2016-12", "docs/examples/my-deal.yaml"],
}


def run(*args: str, color: bool = False, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), prog_name="negsim", color=color, env=env)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "no_color", "explicit", "expected"),
    [
        (True, None, None, True),
        (False, None, None, False),
        (True, "1", None, False),
        (True, "", None, True),  # an empty NO_COLOR does not count (no-color.org)
        (True, "1", True, True),  # --color wins over the environment
        (True, None, False, False),
    ],
)
def test_when_colour_is_used(monkeypatch, tty, no_color, explicit, expected):
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    stream = Tty() if tty else io.StringIO()
    assert enabled(stream, explicit) is expected


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_colour_only_adds_escape_codes(kind):
    result = run(*COMMANDS[kind])
    text = result.stdout + result.stderr
    painted = paint(text, kind)
    assert plain(painted) == text
    assert painted != text and "\x1b[" in painted


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_no_colour_unless_asked_or_on_a_terminal(kind):
    default = run(*COMMANDS[kind])
    assert "\x1b[" not in default.stdout + default.stderr
    forced = run("--color", *COMMANDS[kind], color=True)
    assert "\x1b[" in forced.stdout + forced.stderr
    assert plain(forced.stdout) == default.stdout and plain(forced.stderr) == default.stderr
    refused = run("--no-color", *COMMANDS[kind], color=True)
    assert refused.stdout == default.stdout


def test_replay_colours_the_blocked_step_and_the_state_changes():
    out = run("--color", "replay", "aleppo-2016-12", color=True).stdout
    assert "depart: \x1b[31m\x1b[1mBLOCKED\x1b[0m by" in out
    assert "agree: \x1b[32mnegotiating -> agreed\x1b[0m" in out
    assert all(len(line) <= 80 for line in plain(out).splitlines())  # readable in 80 columns


def test_pipes_get_the_same_bytes_as_before():
    piped = negsim_cmd("replay", "aleppo-2016-12")
    assert piped.returncode == 0 and b"\x1b[" not in piped.stdout
    forced = negsim_cmd("--color", "replay", "aleppo-2016-12")
    assert b"\x1b[" in forced.stdout
    assert plain(forced.stdout.decode()) == piped.stdout.decode()


def _on_a_terminal(env: dict[str, str]) -> bytes:
    """What `negsim replay` writes when its standard output is a terminal."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    pty = pytest.importorskip("pty")
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    if env.get("NO_COLOR") is None:
        full.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    chunks = []
    try:
        child = subprocess.Popen([sys.executable, "-m", "negsim", "replay", "aleppo-2016-12"], stdout=follower, stderr=subprocess.DEVNULL, env=full)
        os.close(follower)
        while True:  # read as it writes, so a full terminal buffer never blocks it
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the program ended and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=60) == 0
    finally:
        os.close(leader)
    return b"".join(chunks)


def test_a_real_terminal_gets_colour_unless_no_color_is_set():
    assert b"\x1b[" in _on_a_terminal({})
    assert b"\x1b[" not in _on_a_terminal({"NO_COLOR": "1"})

"""Every command the documentation shows is run, and its output checked.

The convention (README.md and docs/**/*.md): a ```console block holds
commands a reader should run. A line starting with ``$ `` is a command; the
lines after it, up to the next command, are its exact output (stdout then
stderr, as a terminal shows them). A line holding only ``...`` stands for
any number of lines, none included (it may be indented to sit in the
output). Commands that must not run in a test
(installs, activating environments) go in ```sh blocks instead.

How each page is run: the repository's ``docs``, ``scenarios`` and
``tests/data`` folders are copied into a fresh temporary folder, which
stands for the repository root; the page's commands run there, in order
(so a file one command writes is there for the next). A ```yaml block
right under a line ``<!-- file: PATH -->`` (invisible on the rendered page)
is a file the page asks the reader to save: it is written to PATH when
reached. Commands run through ``bash -c``
with a ``negsim`` on the PATH that is ``python -m negsim`` with this
checkout on PYTHONPATH. In the output, the checkout's own folder (where
bundled scenarios live) is shown as ``...``, as in
``.../scenarios/aleppo-2016-12.yaml``. Files a command writes with ``-o`` land in the
copy, never in the checkout. Every command must finish without a
traceback and without negsim's internal-error status (70); a command whose
whole expected output is ``...`` must also exit with status 0.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import NamedTuple

import pytest

from .conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
COPIED = ("docs", "scenarios", "tests/data")
FENCE = re.compile(r"^```console\n(.*?)^```\n", re.M | re.S)


class Command(NamedTuple):
    page: str
    line: int  # of the '$ ' line in the page
    command: str
    expected: tuple[str, ...]


def label(page: Path) -> str:
    try:
        return str(page.relative_to(ROOT))
    except ValueError:
        return page.name


def fences(text: str) -> list[tuple[str, int, list[str]]]:
    """(language, line of the opening fence, body lines) of every fenced block.

    A block opened with N backticks closes at a line of at least N backticks, so a
    ````markdown block can show ``` blocks inside it.
    """
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        m = re.match(r"^(`{3,})(\S*)\s*$", lines[i])
        if m:
            ticks = len(m.group(1))
            j = i + 1
            while j < len(lines) and not re.match(rf"^`{{{ticks},}}\s*$", lines[j]):
                j += 1
            out.append((m.group(2), i + 1, lines[i + 1 : j]))
            i = j
        i += 1
    return out


class File(NamedTuple):
    """A block the page asks the reader to save: written into the work folder when reached."""

    page: str
    line: int
    path: str
    text: str


FILE_MARK = re.compile(r"^<!-- file: (\S+) -->$")


def steps(page: Path) -> list[Command | File]:
    """The page's console commands and files to save, in the order they appear."""
    lines = page.read_text(encoding="utf-8").split("\n")
    out: list[Command | File] = []
    for lang, line, body in fences("\n".join(lines)):
        mark = FILE_MARK.match(lines[line - 2]) if line >= 2 else None
        if mark:
            out.append(File(label(page), line, mark.group(1), "\n".join(body) + "\n"))
        if lang != "console":
            continue
        current: list[object] | None = None
        for n, text in enumerate(body):
            if text.startswith("$ "):
                if current is not None:
                    out.append(Command(label(page), *current))  # type: ignore[arg-type]
                current = [line + 1 + n, text[2:], ()]
            elif current is None:
                raise AssertionError(f"{label(page)}:{line + 1 + n}: a console block must start with '$ '")
            else:
                current[2] = (*current[2], text)  # type: ignore[misc]
        if current is not None:
            out.append(Command(label(page), *current))  # type: ignore[arg-type]
    return out


def commands(page: Path) -> list[Command]:
    return [s for s in steps(page) if isinstance(s, Command)]


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """``actual`` equals ``expected``, where a '...' line stands for any number of lines."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(expected):
            result = j == len(actual)
        elif expected[i].strip() == "...":  # indented to sit in the output, it is still a wildcard
            result = go(i + 1, j) or (j < len(actual) and go(i, j + 1))
        else:
            result = j < len(actual) and expected[i] == actual[j] and go(i + 1, j + 1)
        memo[(i, j)] = result
        return result

    return go(0, 0)


SHELL_SYNTAX = re.compile(r"[|&;<>()$`*?~\\]")


def _preload() -> None:
    """Import what the commands use once, here, so each forked child starts with it."""
    import importlib

    for name in ("cli", "engine", "compare", "explain", "whatif", "variant", "lint", "new", "schema", "codes",
                 "render.text", "render.show", "render.compare", "render.explain", "render.data", "render.events_csv"):
        importlib.import_module(f"negsim.{name}")


def forked_negsim(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run ``negsim ARGS`` as ``python -m negsim`` would, in a forked child of this process.

    A child process of its own (its own cwd, environment, file descriptors 1
    and 2, exit status), without paying Python's start-up for each of the
    docs' commands: the fork starts with negsim already imported.
    """
    _preload()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with warnings.catch_warnings():  # Python 3.12 warns about forking with threads; there are none here
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 70
            try:
                os.chdir(cwd)
                os.environ.clear()
                os.environ.update(env)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                import io

                sys.stdin = io.TextIOWrapper(open(os.devnull, "rb"), encoding="utf-8")
                sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8")
                sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", line_buffering=True)
                sys.argv = ["negsim", *args]
                from negsim.cli import main

                try:
                    main()
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(status), out.read(), err.read()


@pytest.fixture(scope="session")
def shim(tmp_path_factory) -> Path:
    """A folder with a 'negsim' that runs this checkout's negsim."""
    folder = tmp_path_factory.mktemp("bin")
    script = folder / "negsim"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m negsim "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


def run_page(page: Path, work: Path, shim: Path) -> list[str]:
    """Run a page's commands in ``work``; the failures, described."""
    for name in COPIED:
        shutil.copytree(ROOT / name, work / name)
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        PATH=f"{shim}{os.pathsep}{env.get('PATH', '')}",
        LC_ALL="C.UTF-8",
        COLUMNS="80",
    )
    env.pop("NEGSIM_DEBUG", None)
    failures = []
    for cmd in steps(page):
        if isinstance(cmd, File):
            target = work / cmd.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(cmd.text, encoding="utf-8")
            continue
        if SHELL_SYNTAX.search(cmd.command) or not cmd.command.startswith("negsim "):
            proc = subprocess.run(["bash", "-c", cmd.command], cwd=work, env=env, capture_output=True, timeout=120)
            status, out, err = proc.returncode, proc.stdout, proc.stderr
        else:
            status, out, err = forked_negsim(shlex.split(cmd.command)[1:], work, env)
        proc = subprocess.CompletedProcess(cmd.command, status, out, err)
        output = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        output = output.replace(str(ROOT), "...")  # bundled files' absolute paths: shown as .../scenarios/...
        actual = output.splitlines()
        where = f"{cmd.page}:{cmd.line}: $ {cmd.command}"
        if "Traceback (most recent call last)" in output or proc.returncode == 70:
            failures.append(f"{where}\ncrashed (status {proc.returncode}):\n{output}")
        elif cmd.expected == ("...",) and proc.returncode != 0:
            failures.append(f"{where}\nexited with status {proc.returncode}:\n{output}")
        elif not matches(cmd.expected, actual):
            diff = "\n".join(difflib.unified_diff(list(cmd.expected), actual, "shown", "actual", lineterm=""))
            failures.append(f"{where}\noutput differs:\n{diff}")
    return failures


@pytest.mark.skipif(not hasattr(os, "fork") or shutil.which("bash") is None, reason="needs fork and bash (POSIX)")
@pytest.mark.parametrize("page", [p for p in PAGES if commands(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shown_command_runs_as_shown(page, tmp_path, shim):
    failures = run_page(page, tmp_path, shim)
    assert not failures, "\n\n".join(failures)


def test_pages_use_the_convention():
    """No plain ``` block holds a negsim command: commands go in console (run) or sh (not run) blocks."""
    bad = []
    for page in PAGES:
        for lang, line, body in fences(page.read_text(encoding="utf-8")):
            if lang == "" and any(re.match(r"^(\$ )?(python -m )?negsim ", ln) for ln in body):
                bad.append(f"{label(page)}:{line}")
    assert bad == []


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        ((), [], True),
        (("a",), ["a"], True),
        (("a",), ["a", "b"], False),
        (("...",), [], True),
        (("a", "...", "d"), ["a", "b", "c", "d"], True),
        (("a", "...", "d"), ["a", "d"], True),
        (("a", "...", "d"), ["a", "b"], False),
        (("...", "c", "..."), ["a", "b", "c", "d"], True),
        (("a", "   ...", "d"), ["a", "b", "d"], True),
    ],
)
def test_wildcard_matching(expected, actual, ok):
    assert matches(expected, actual) is ok


def test_commands_are_parsed_with_their_output(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "x\n```console\n$ negsim list\nScenarios\n...\n$ negsim --version\nnegsim 0.1.0\n```\n"
        "<!-- file: d/a.yaml -->\n```yaml\nnegsim: 1\n```\n```yaml\nnot: saved\n```\n"
        "````markdown\n```console\n$ not run\n```\n````\n",
        encoding="utf-8",
    )
    assert steps(page) == [
        ("p.md", 3, "negsim list", ("Scenarios", "...")),
        ("p.md", 6, "negsim --version", ("negsim 0.1.0",)),
        ("p.md", 10, "d/a.yaml", "negsim: 1\n"),
    ]


# --- the CLI reference and --help, checked against what click knows ----------------


def cli_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)
    return {p.split("\n", 1)[0]: p for p in parts[1:]}


def test_cli_reference_lists_every_command_and_option():
    import click

    from negsim.cli import cli

    sections = cli_sections()
    missing = []
    ctx = click.Context(cli)
    for name, command in ((n, cli.get_command(ctx, n)) for n in cli.list_commands(ctx)):
        section = sections.get(f"negsim {name}")
        if section is None:
            missing.append(f"section '## negsim {name}'")
            continue
        if "[`replay`](#negsim-replay)" in section or "as for `replay`" in section:
            section += sections["negsim replay"]  # "the options are those of replay"
        if f"[`{name}`](#negsim-{name})" not in (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8").split("## ", 1)[0]:
            missing.append(f"'{name}' in the table of commands")
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if f"`{opt}" not in section and not (param.name in WHATIF and "what-if options" in section.lower()):
                        missing.append(f"negsim {name} {opt}")
            elif param.human_readable_name not in section:
                missing.append(f"negsim {name} argument {param.human_readable_name}")
            if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
                for choice in param.type.choices:
                    if f"{param.opts[-1]} {choice}" not in section and f"{choice}" not in section:
                        missing.append(f"negsim {name} {param.opts[-1]} {choice}")
    for opt in ("-V", "--version", "-h", "--help"):
        if f"`{opt}`" not in sections["Global options"]:
            missing.append(f"global option {opt}")
    assert missing == []


WHATIF = {"variants", "sets", "without", "skip"}


def test_every_command_has_help_with_an_example():
    from click.testing import CliRunner

    from negsim.cli import cli

    import click

    for name in cli.list_commands(click.Context(cli)):
        result = CliRunner().invoke(cli, [name, "--help"], prog_name="negsim")
        assert result.exit_code == 0
        assert re.search(rf"Examples?:\n +negsim {name}\b", result.output), name


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_documented_shell_completion_works(shell):
    """cli.md's completion lines: the script is printed, and completing 'negsim repl' offers replay."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), _NEGSIM_COMPLETE=f"{shell}_source")
    script = subprocess.run([sys.executable, "-m", "negsim"], env=env, capture_output=True, timeout=60)
    assert script.returncode == 0 and b"_NEGSIM_COMPLETE" in script.stdout
    assert f"_NEGSIM_COMPLETE={shell}_source negsim" in (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    if shell == "bash":
        env.update(_NEGSIM_COMPLETE="bash_complete", COMP_WORDS="negsim repl", COMP_CWORD="1")
        found = subprocess.run([sys.executable, "-m", "negsim"], env=env, capture_output=True, timeout=60)
        assert found.stdout.decode().split() == ["plain,replay"]

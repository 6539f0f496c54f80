"""The ``negsim`` command: a thin translator over the library.

Each command parses its options, calls the library function of the same
name, and renders the result. Every error negsim raises on purpose is turned
into a message and an exit status here, in one place:

* 0 - success
* 1 - invalid input (a scenario file with problems, a run that cannot proceed)
* 2 - usage error (unknown option, unknown scenario id, refusing to overwrite)
* 70 - a bug in negsim (reported in one line; set NEGSIM_DEBUG=1 for details)
"""

from __future__ import annotations

import errno
import os
import sys

import click

from . import __version__
from .errors import NegsimError, ScenarioError, UsageError

EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 1, 2, 70


class NegsimGroup(click.Group):
    """A click group that maps every error to one clear message and an exit status."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ANN001, ANN201
        _tolerant_streams()
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = code if isinstance(code, int) else 0
        except ScenarioError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            code = EXIT_INPUT
        except NegsimError as exc:
            click.echo(f"Error: {exc}", err=True)
            code = exc.exit_code
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "negsim"
            click.echo(f"Error: {exc.format_message().rstrip('.')}; see '{where} --help'", err=True)
            code = EXIT_USAGE
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            code = 130
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # output piped into a program that stopped reading
                _silence_stdout()
                code = 0
            else:
                if os.environ.get("NEGSIM_DEBUG"):
                    raise
                click.echo(f"Error: {exc.strerror or exc}", err=True)
                code = EXIT_INPUT
        except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
            if os.environ.get("NEGSIM_DEBUG"):
                raise
            click.echo(
                f"negsim {__version__}: internal error ({type(exc).__name__}: {exc}). This is a bug: please report it "
                "with the command you ran; set NEGSIM_DEBUG=1 to see details.",
                err=True,
            )
            code = EXIT_BUG
        if standalone_mode:
            sys.exit(code)
        return code


def _tolerant_streams() -> None:
    """Never crash on a character the terminal's encoding cannot show."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if reconfigure is not None and encoding != "utf8":
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - exotic streams
                pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover
        pass


FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output for people (text) or scripts (json)."
)


def _emit(text: str, output: str | None, force: bool) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
    else:
        from .outputs import write_text

        write_text(output, text, force=force)
        click.echo(f"wrote {output}", err=True)


@click.group(cls=NegsimGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80})
@click.version_option(__version__, "--version", "-V", prog_name="negsim", message="%(prog)s %(version)s")
def cli() -> None:
    """Replay ceasefire negotiations as state machines guarded by each party's conditions.

    \b
    Start with the bundled article scenario:
      negsim list
      negsim replay aleppo-2016-12

    SCENARIO is the id of a bundled scenario or the path of a YAML file.
    """


@cli.command("list")
@FORMAT
def list_cmd(fmt: str) -> None:
    """List the bundled scenarios.

    \b
    Example:
      negsim list
    """
    from .catalog import bundled
    from .scenario import load

    rows = []
    for b in bundled():
        if b.kind != "scenario":
            continue
        sc = load(b.path)
        rows.append({"id": b.id, "kind": b.kind, "title": sc.title, "events": len(sc.timeline), "path": b.path})
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r["id"]) for r in rows), default=2)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['title']}")
    click.echo(f"\n{len(rows)} bundled scenario(s). Replay one with: negsim replay ID", err=True)


@cli.command()
@click.argument("scenario")
@FORMAT
def show(scenario: str, fmt: str) -> None:
    """Show what a scenario declares: facts, parties and conditions, states, timeline.

    \b
    Example:
      negsim show aleppo-2016-12
    """
    import negsim

    sc = negsim.load(scenario)
    if fmt == "json":
        from .render.data import scenario_json

        click.echo(scenario_json(sc), nl=False)
    else:
        click.echo(negsim.render_show(sc), nl=False)


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def validate(files: tuple[str, ...]) -> None:
    """Check scenario files and report every problem as FILE:LINE:COL: message.

    Exits with status 1 when any file has a problem.

    \b
    Example:
      negsim validate my-scenario.yaml
    """
    from .catalog import resolve
    from .scenario import load

    bad = 0
    for name in files:
        path = resolve(name)
        try:
            sc = load(path)
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        click.echo(f"{path}: ok (scenario '{sc.id}': {len(sc.parties)} parties, {len(sc.states)} states, {len(sc.timeline)} events)")
    if bad:
        click.get_current_context().exit(EXIT_INPUT)


@cli.command()
@click.argument("scenario")
@FORMAT
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal.")
@click.option("--force", is_flag=True, help="Allow -o to replace an existing file.")
def replay(scenario: str, fmt: str, output: str | None, force: bool) -> None:
    """Replay a scenario's timeline: what fired, what was blocked, by whom and why.

    \b
    Examples:
      negsim replay aleppo-2016-12
      negsim replay aleppo-2016-12 --format json -o trace.json
    """
    import negsim

    sc = negsim.load(scenario)
    trace = negsim.replay(sc)
    text = negsim.to_json(trace) if fmt == "json" else negsim.render_text(trace, sc)
    _emit(text, output, force)


def main() -> None:
    """Console entry point."""
    cli(prog_name="negsim")

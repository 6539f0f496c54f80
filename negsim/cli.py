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


# Commands defined in their own modules and imported only when run (or listed by --help):
# 'negsim replay' should not pay for the code of every other command.
LAZY_COMMANDS = {
    "diagram": "draw",
    "exercise": "exercise",
    "report": "draw",
    "sweep": "sweep",
}


class NegsimGroup(click.Group):
    """A click group that maps every error to one clear message and an exit status."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = LAZY_COMMANDS.get(name)
        if module is None:
            return super().get_command(ctx, name)
        from importlib import import_module

        return getattr(import_module(f"negsim.commands.{module}"), name)

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except OSError as exc:  # caught before click turns a closed pipe into exit status 1
            if exc.errno != errno.EPIPE:
                raise
            _silence_stdout()  # e.g. 'negsim list | head -1': the reader had enough
            return 0

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ANN001, ANN201
        _tolerant_streams()
        previous = _stop_on_terminate()
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
        except click.exceptions.NoArgsIsHelpError as exc:  # 'negsim' alone: show the help
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            code = 0
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "negsim"
            message = exc.format_message().rstrip(".")
            for option in ("--no-color", "--color"):  # a global option typed after the command
                if message == f"No such option '{option}'" and where != "negsim":
                    message += f": it goes before the command, as in 'negsim {option} {where.split(' ', 1)[1]} ...'"
                    break
            click.echo(f"Error: {message}; see '{where} --help'", err=True)
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
        finally:
            if previous is not None:
                import signal

                signal.signal(signal.SIGTERM, previous)
        if standalone_mode:
            sys.exit(code)
        return code


def _stop_on_terminate():  # noqa: ANN202
    """Make SIGTERM (kill, a closing terminal, a job scheduler) stop negsim as Ctrl-C does.

    Python's default dies on the spot: temporary files stay behind and a
    sweep's worker processes are orphaned. Raising KeyboardInterrupt runs
    the same clean-up paths as Ctrl-C. Returns the handler it replaced.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        return None

    def stop(signum, frame):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)


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


def whatif_options(f):  # noqa: ANN001, ANN201 - a decorator
    """The what-if options every command that runs a scenario accepts."""
    options = [
        click.option("--variant", "variants", multiple=True, metavar="FILE", help="Apply a variant file (or bundled variant id); repeatable."),
        click.option("--set", "sets", multiple=True, metavar="FACT=VALUE", help="Start with a fact set to VALUE; repeatable."),
        click.option("--without", multiple=True, metavar="PARTY[.COND]", help="Drop a party's conditions, or one condition; repeatable."),
        click.option("--skip", multiple=True, metavar="EVENT", help="Remove a timeline event; repeatable."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


SEED = click.option(
    "--seed",
    type=click.IntRange(0, 2**64 - 1),
    metavar="N",
    help="Draw the uncertain parts of the scenario with this seed (a run's seed from 'negsim sweep --csv' replays that run).",
)


def _check_seed(sc, seed: int | None, name: str) -> None:  # noqa: ANN001
    """A scenario that draws facts or events at random needs a seed to run once."""
    if seed is None and sc.uncertain:
        n = len(sc.uncertain)
        raise UsageError(
            f"'{name}' leaves {n} thing{'s' if n != 1 else ''} to chance ({sc.uncertain[0]}{', ...' if n > 1 else ''}); "
            "give --seed N to run one sampled run, or run many with 'negsim sweep'"
        )


def output_options(f=None, *, formats: tuple[str, ...] = ("text", "json")):  # noqa: ANN001, ANN201 - a decorator
    """--format, -o/--output and --force, for every command whose output is data.

    Use it bare (text or json), or as ``@output_options(formats=(...))``.
    """
    if f is None:
        return lambda g: output_options(g, formats=formats)
    fmt = FORMAT if formats == ("text", "json") else click.option(
        "--format", "fmt", type=click.Choice(list(formats)), default=formats[0], show_default=True,
        help="Output for people (text), scripts (json) or event-data tools (events-csv).",
    )
    return fmt(file_options(f))


def file_options(f):  # noqa: ANN001, ANN201 - a decorator
    """-o/--output and --force: where a command writes, and whether it may replace a file."""
    f = click.option("--force", is_flag=True, help="Let the files this command writes replace existing ones.")(f)
    return click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal.")(f)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _colour(stream: object) -> bool:
    """Whether to colour text for ``stream`` (a terminal, no NO_COLOR, or --color/--no-color)."""
    from .render.style import enabled

    ctx = click.get_current_context(silent=True)
    return enabled(stream, ctx.color if ctx is not None else None)


def _say(text: str, kind: str, err: bool = False, nl: bool = True) -> None:
    """Echo text for people, coloured as negsim.render.style says for command ``kind``."""
    if _colour(sys.stderr if err else sys.stdout):
        from .render.style import paint

        click.echo(paint(text, kind), err=err, nl=nl, color=True)
    else:
        click.echo(text, err=err, nl=nl)


def _emit(text: str, output: str | None, force: bool, kind: str | None = None) -> None:
    if output is None or output == "-":
        if kind is None:
            click.echo(text, nl=False)
        else:
            _say(text, kind, nl=False)
    else:
        from .outputs import write_text

        write_text(output, text, force=force)
        click.echo(f"wrote {output}", err=True)


@click.group(cls=NegsimGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80})
@click.version_option(__version__, "--version", "-V", prog_name="negsim", message="%(prog)s %(version)s")
@click.option("--color/--no-color", "color", default=None, help="Colour the text output (default: only on a terminal, never with NO_COLOR set).")
@click.pass_context
def cli(ctx: click.Context, color: bool | None) -> None:
    """Replay ceasefire negotiations as state machines guarded by each party's conditions.

    \b
    Start with the bundled article scenario:
      negsim list
      negsim replay aleppo-2016-12

    SCENARIO is the id of a bundled scenario or the path of a YAML file.
    """
    ctx.color = color


@cli.command("list")
@FORMAT
def list_cmd(fmt: str) -> None:
    """List the bundled scenarios and variants (check them with 'negsim validate').

    \b
    Example:
      negsim list
    """
    from .catalog import bundled, heading
    from .render.common import wrap

    rows = []
    for b in bundled():
        title, base = heading(b.path)
        rows.append({"id": b.id, "kind": b.kind, "base": base, "title": title, "path": b.path})
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r["id"]) for r in rows), default=2)
    pad = " " * (width + 4)
    for kind, heading_text in (
        ("scenario", "Scenarios"),
        ("variant", "Variants (what-ifs; replay or compare them)"),
        ("exercise", "Exercises (play them with 'negsim exercise play ID')"),
    ):
        chosen = [r for r in rows if r["kind"] == kind]
        if not chosen:
            continue
        click.echo(heading_text)
        for r in chosen:
            click.echo("\n".join(wrap(r["title"], pad, f"  {r['id']:<{width}}  ")))
    click.echo("\nReplay one with: negsim replay ID", err=True)


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
        _emit(negsim.render_show(sc), None, False, "show")


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def validate(files: tuple[str, ...]) -> None:
    """Check scenario, variant and exercise files; report every problem as FILE:LINE:COL: message.

    Exits with status 1 when any file has a problem.

    \b
    Example:
      negsim validate my-scenario.yaml
    """
    from .catalog import resolve

    bad = 0
    for name in files:
        try:
            path = resolve(name)
            ex, sc = _load_checked(path)
        except UsageError as exc:
            bad += 1
            reason = "no such file" if str(exc).startswith("no such file") else str(exc)
            click.echo(f"{name}: {reason}", err=True)
            continue
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                _say(str(problem), "validate", err=True)
            continue
        if ex is not None:
            what = (
                f"exercise '{ex.id}' on scenario '{ex.scenario.id}': {_count(len(ex.roles), 'role')}, "
                f"{_count(len(ex.injects), 'inject')}, {_count(len(ex.objectives), 'objective')}"
            )
        elif sc.applied:
            what = f"variant of scenario '{sc.id}', {_count(len(sc.applied), 'what-if')}"
        else:
            what = (
                f"scenario '{sc.id}': {_count(len(sc.parties), 'party', 'parties')}, "
                f"{_count(len(sc.states), 'state')}, {_count(len(sc.timeline), 'event')}"
            )
        _say(f"{path}: ok ({what})", "validate")
    if bad:
        click.get_current_context().exit(EXIT_INPUT)


def _load_checked(path: str):  # noqa: ANN202
    """(None, the scenario) for a scenario or variant file; (the exercise, its scenario) for an exercise."""
    from .catalog import is_exercise
    from .scenario import load_any

    if is_exercise(path):
        from .exercise import load_exercise

        ex = load_exercise(path)
        return ex, ex.scenario
    return None, load_any(path)


@cli.command()
@click.argument("scenario")
@whatif_options
@SEED
@output_options(formats=("text", "json", "events-csv"))
def replay(
    scenario: str,
    variants: tuple[str, ...],
    seed: int | None,
    sets: tuple[str, ...],
    without: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
) -> None:
    """Replay a scenario's timeline: what fired, what was blocked, by whom and why.

    What-ifs are applied in this order: variant files, then --set, --without
    and --skip. The trace lists the what-ifs it was run with.

    \b
    Examples:
      negsim replay aleppo-2016-12
      negsim replay aleppo-2016-12 --without militias
      negsim replay aleppo-2016-12 --format json -o trace.json
      negsim replay aleppo-uncertain --seed 7
      negsim replay aleppo-2016-12 --format events-csv -o events.csv
    """
    import negsim

    sc = negsim.load(scenario, set=sets, without=without, skip=skip, variants=variants)
    _check_seed(sc, seed, scenario)
    trace = negsim.replay(sc, seed)
    if fmt == "events-csv":
        from .render.events_csv import render_events_csv

        text = render_events_csv(trace, sc)
        _emit(text, output, force)
        return
    text = negsim.to_json(trace) if fmt == "json" else negsim.render_text(trace, sc)
    _emit(text, output, force, None if fmt == "json" else "replay")


@cli.command()
@click.argument("scenario")
@whatif_options
@SEED
@output_options
def compare(
    scenario: str,
    variants: tuple[str, ...],
    seed: int | None,
    sets: tuple[str, ...],
    without: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
) -> None:
    """Compare the baseline with what-ifs: where the paths fork, and why.

    Each --variant is compared on its own; --set, --without and --skip
    together make one more variant, named 'what-ifs'.

    \b
    Examples:
      negsim compare aleppo-2016-12 --variant aleppo-militias-stand-aside
      negsim compare aleppo-2016-12 --skip russian_pressure --format json
    """
    import negsim
    from .compare import compare as compare_runs
    from .compare import run_of
    from .variant import load_variant
    from .render.compare import render_compare_json, render_compare_text

    base = negsim.load(scenario)
    scenarios = []
    for name in variants:
        variant, _ = load_variant(negsim.resolve(name, "variant"), base=base)
        scenarios.append((variant.apply(base), variant.id, variant.title, variant.question))
    if sets or without or skip:
        changed = negsim.load(scenario, set=sets, without=without, skip=skip)
        scenarios.append((changed, "what-ifs", "What-ifs from the command line", ""))
    if not scenarios:
        raise UsageError("nothing to compare: give --variant FILE or a what-if (--set, --without, --skip)")
    for sc, vid, *_ in [(base, scenario), *scenarios]:
        _check_seed(sc, seed, vid)
    runs = [run_of(sc, vid, title, question, seed) for sc, vid, title, question in scenarios]
    comparisons = compare_runs(run_of(base, "baseline", seed=seed), runs)
    text = render_compare_json(comparisons) if fmt == "json" else render_compare_text(comparisons, base)
    _emit(text, output, force, None if fmt == "json" else "compare")


@cli.command()
@click.argument("scenario")
@click.option("--reach", "target", required=True, metavar="STATE", help="The deal state to reach.")
@click.option("--by", "by", metavar="TIME", help="Reach it by this local time, e.g. 2016-12-14T06:00.")
@click.option("--levers", is_flag=True, help="Also try the values the scenario lists as levers for its facts.")
@click.option("--max-size", default=8, show_default=True, type=click.IntRange(1, 50), help="Largest set of changes to try.")
@whatif_options
@SEED
@output_options
def explain(
    scenario: str,
    target: str,
    by: str | None,
    levers: bool,
    max_size: int,
    variants: tuple[str, ...],
    seed: int | None,
    sets: tuple[str, ...],
    without: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
) -> None:
    """Find every smallest set of changes that lets the deal reach STATE.

    A change drops one party condition or, with --levers, sets a lever fact.
    Every set reported is minimal: no smaller part of it would do.

    \b
    Examples:
      negsim explain aleppo-2016-12 --reach evacuating
      negsim explain aleppo-2016-12 --reach renegotiated --by 2016-12-14T15:00 --levers
    """
    import negsim
    from .explain import explain as search
    from .render.explain import render_explain_json, render_explain_text

    sc = negsim.load(scenario, set=sets, without=without, skip=skip, variants=variants)
    _check_state(sc, target)
    _check_seed(sc, seed, scenario)
    deadline = None
    if by is not None:
        from datetime import datetime

        try:
            deadline = datetime.fromisoformat(by)
        except ValueError:
            raise UsageError(f"--by needs a local date and time such as 2016-12-14T06:00, not '{by}'") from None
        deadline = deadline.replace(tzinfo=sc.tz) if deadline.tzinfo is None else deadline.astimezone(sc.tz)
    result = search(sc, target, deadline, levers=levers, max_size=max_size, seed=seed)
    text = render_explain_json(result, sc) if fmt == "json" else render_explain_text(result, sc)
    _emit(text, output, force, None if fmt == "json" else "explain")


# --- pictures and reports (issue 6): diagram, report -------------------------------------------


def _check_state(sc, state: str) -> None:  # noqa: ANN001
    if state not in sc.states:
        from .errors import did_you_mean

        known = ", ".join(sc.states)
        raise UsageError(f"--reach: unknown state '{state}'{did_you_mean(state, sc.states)} (states: {known})")


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is any warning.")
def lint(files: tuple[str, ...], strict: bool) -> None:
    """Warn about parts of valid scenarios that do nothing or rest on nothing.

    Facts never read or never changed, conditions no step checks, parties
    whose consent is never asked, states no timeline event leads to, events
    without a cite, quotes not in the source file, triggers that can never
    fire. Each warning is FILE:LINE:COL: warning: message. Invalid files are
    reported as by 'negsim validate' (status 1); warnings alone exit 0
    unless --strict.

    \b
    Examples:
      negsim lint aleppo-2016-12
      negsim lint --strict my-scenario.yaml
    """
    from .catalog import resolve
    from .lint import format_warning
    from .lint import lint as lint_scenario
    from .scenario import build, kind_of, sha256_hex
    from . import yamlsource

    bad = warned = 0
    for name in files:
        try:
            path = resolve(name)
            text = yamlsource.read_text(path)
            root = yamlsource.parse(text, path)
            if kind_of(root) != "scenario":
                bad += 1
                kind = kind_of(root)
                click.echo(f"{path}: this is {'an' if kind[0] in 'aeiou' else 'a'} {kind} file; lint reads scenario files (check it with 'negsim validate')", err=True)
                continue
            sc = build(root, path, sha256_hex(text))
        except UsageError as exc:
            bad += 1
            click.echo(f"{name}: {'no such file' if str(exc).startswith('no such file') else exc}", err=True)
            continue
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        warnings = lint_scenario(sc, root)
        warned += len(warnings)
        for w in warnings:
            click.echo(format_warning(w))
        if not warnings:
            click.echo(f"{path}: ok (no warnings)")
    if bad or (strict and warned):
        click.get_current_context().exit(EXIT_INPUT)


@cli.command()
@click.argument("name")
@click.option("--from", "from_", metavar="SCENARIO", help="Copy this scenario (bundled id or path) instead of the starting one.")
def new(name: str, from_: str | None) -> None:
    """Write NAME.yaml: a commented starting scenario that validates as it is.

    With --from, write a copy of an existing scenario instead, with its id
    changed to NAME; its source files are copied along so that the copy
    validates. NAME may also be a path ending in .yaml. An existing file is
    never overwritten.

    \b
    Examples:
      negsim new my-deal
      negsim new my-aleppo --from aleppo-2016-12
    """
    from .new import new as write_new

    written = write_new(name, from_)
    for extra in written.sources:
        click.echo(f"wrote {extra}")
    click.echo(f"wrote {written.path} (scenario '{written.id}')")
    click.echo(f"Next: edit it, then run 'negsim validate {written.path}' and 'negsim replay {written.path}'")


@cli.command()
@click.argument("kind", metavar="KIND")
@file_options
def schema(kind: str, output: str | None, force: bool) -> None:
    """Print the JSON Schema of a file format: KIND is scenario, variant or exercise.

    Editors use it to complete and check files as they are typed (see
    docs/how-to/editor-setup.md). The schema checks the shape of a file;
    'negsim validate' also checks what refers to what.

    \b
    Examples:
      negsim schema scenario
      negsim schema variant -o variant.schema.json
      negsim schema exercise -o exercise.schema.json
    """
    from .schema import schema_text

    _emit(schema_text(kind), output, force)


def main() -> None:
    """Console entry point."""
    cli(prog_name="negsim")

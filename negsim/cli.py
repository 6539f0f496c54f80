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
    options = [
        fmt,
        click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal."),
        click.option("--force", is_flag=True, help="Let the files this command writes replace existing ones."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


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


def _file_options(f):  # noqa: ANN001, ANN201 - a decorator
    """-o/--output and --force, for commands whose --format is their own."""
    f = click.option("--force", is_flag=True, help="Allow -o to replace an existing file.")(f)
    return click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal.")(f)


@cli.command()
@click.argument("scenario")
@whatif_options
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid", "dot", "svg", "png"]),
    help="Mermaid or DOT text (nothing to install), or SVG/PNG drawn by Graphviz (the negsim[graphviz] extra). "
    "Default: from the suffix of -o (.png, .svg, .dot or .gv), otherwise mermaid.",
)
@click.option("--path", "with_path", is_flag=True, help="Replay the scenario; mark the path taken and the blocked transitions.")
@SEED
@_file_options
def diagram(
    scenario: str,
    variants: tuple[str, ...],
    sets: tuple[str, ...],
    without: tuple[str, ...],
    skip: tuple[str, ...],
    seed: int | None,
    fmt: str | None,
    with_path: bool,
    output: str | None,
    force: bool,
) -> None:
    """Draw the deal's state machine; --path marks the path a replay took.

    States show their descriptions; transitions show their trigger and the
    parties whose consent they need. With --path the scenario is replayed (what-ifs applied): the steps it took
    are numbered and drawn in blue, and each blocked transition names the
    parties that blocked it. SVG and PNG need Graphviz; without it negsim
    says what to install and exits with status 1.

    \b
    Examples:
      negsim diagram aleppo-2016-12 --path
      negsim diagram aleppo-2016-12 --path --without militias --format dot
      negsim diagram aleppo-2016-12 --path -o aleppo.png
    """
    import negsim
    from .diagram import build, render, to_dot, to_mermaid

    if fmt is None:
        import os.path

        suffix = os.path.splitext(output or "")[1].lower()
        fmt = {".png": "png", ".svg": "svg", ".dot": "dot", ".gv": "dot"}.get(suffix, "mermaid")
    sc = negsim.load(scenario, set=sets, without=without, skip=skip, variants=variants)
    if fmt == "png" and (output is None or output == "-") and sys.stdout.isatty():
        raise UsageError("PNG is binary: write it to a file with -o FILE")
    if with_path:
        _check_seed(sc, seed, scenario)
    drawing = build(sc, negsim.replay(sc, seed) if with_path else None)
    if fmt in ("mermaid", "dot"):
        _emit(to_mermaid(drawing) if fmt == "mermaid" else to_dot(drawing), output, force)
        return
    data = render(to_dot(drawing), fmt)
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        from .outputs import write_bytes

        write_bytes(output, data, force=force)
        click.echo(f"wrote {output}", err=True)


REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@cli.command()
@click.argument("scenario")
@whatif_options
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), help="html or md (default: from the suffix of -o).")
@click.option(
    "--layout", type=click.Choice(["auto", "graphviz", "grandalf"]), default="auto", show_default=True,
    help="Who lays out the HTML report's diagram: Graphviz when installed (auto), or grandalf.",
)
@SEED
@click.option("--runs", type=click.IntRange(1, 10_000_000), metavar="N", help="Add a sweep of N runs: the share of runs ending in each state, as a bar chart.")
@_file_options
def report(
    scenario: str,
    variants: tuple[str, ...],
    sets: tuple[str, ...],
    without: tuple[str, ...],
    skip: tuple[str, ...],
    seed: int | None,
    runs: int | None,
    fmt: str | None,
    layout: str,
    output: str | None,
    force: bool,
) -> None:
    """Write a report to hand in: one offline HTML page, or Markdown.

    The report has the scenario's title and sources, the diagram with the
    path taken, the timeline (local times, state changes, blocked steps and
    the conditions that blocked them, each event's quote), the parties and
    their conditions (when each was added, whether it held), and each
    --variant beside the baseline. --set, --without and --skip change the
    baseline; each --variant is compared with it, as in 'negsim compare'.
    The HTML page needs no network; the Markdown shows the diagram as a
    Mermaid block.

    \b
    For an uncertain scenario, --seed chooses the run the report tells, and
    --runs N adds a sweep (with the same seed) of how often each ending comes.

    \b
    Examples:
      negsim report aleppo-2016-12 -o report.html
      negsim report aleppo-2016-12 --variant aleppo-no-shelling -o report.md
      negsim report aleppo-uncertain --seed 1 --runs 10000 -o uncertain.html
    """
    import os.path

    if fmt is None:
        if output is None or output == "-":
            raise UsageError("give -o FILE (.html or .md), or --format html|md to write to the terminal")
        fmt = REPORT_SUFFIXES.get(os.path.splitext(output)[1].lower())
        if fmt is None:
            raise UsageError(f"cannot tell the report format from '{output}': name it .html or .md, or give --format html|md")
    if layout == "graphviz" and fmt == "html":
        from .diagram import GRAPHVIZ_MISSING, graphviz_available

        if not graphviz_available():
            raise NegsimError(GRAPHVIZ_MISSING.format(what="--layout graphviz"))
    import negsim
    from .compare import compare as compare_runs
    from .compare import run_of
    from .report import build
    from .variant import load_variant

    base = negsim.load(scenario, set=sets, without=without, skip=skip)
    others = []
    for name in variants:
        variant, _ = load_variant(negsim.resolve(name, "variant"), base=base)
        changed = variant.apply(base)
        _check_seed(changed, seed, variant.id)
        others.append(run_of(changed, variant.id, variant.title, variant.question, seed))
    _check_seed(base, seed, scenario)
    comparisons = compare_runs(run_of(base, "baseline", seed=seed), others) if others else None
    outcomes = None
    if runs is not None:
        from .sweep import default_workers
        from .sweep import sweep as run_sweep

        result = run_sweep(base, runs, seed or 0, workers=default_workers())
        outcomes = ({state: share.count for state, share in result.points[0].finals}, runs)
    made = build(base, comparisons, outcomes, seed)
    if fmt == "html":
        from .render.report_html import render_report_html

        text = render_report_html(made, layout)
    else:
        from .render.report_md import render_report_md

        text = render_report_md(made)
    _emit(text, output, force)


def _check_state(sc, state: str) -> None:  # noqa: ANN001
    if state not in sc.states:
        from .errors import did_you_mean

        known = ", ".join(sc.states)
        raise UsageError(f"--reach: unknown state '{state}'{did_you_mean(state, sc.states)} (states: {known})")


@cli.command()
@click.argument("scenario")
@click.option("--runs", default=10_000, show_default=True, type=click.IntRange(1, 100_000_000), help="Runs per grid point.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**64 - 1), metavar="S", help="The sweep's seed; the same seed gives the same numbers.")
@click.option("--grid", "grid", multiple=True, metavar="FACT=V1,V2,...", help="Run every combination of these fact values; repeatable.")
@click.option("--reach", metavar="STATE", help="Also report how often, and when, runs first reach STATE.")
@click.option("--workers", type=click.IntRange(1, 256), metavar="W", help="Worker processes [default: the machine's cores].")
@click.option("--csv", "csv_path", metavar="FILE", help="Also write one row per run (seed, grid point, final state, path, time reached).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, and no note when nothing is drawn.")
@whatif_options
@output_options
def sweep(
    scenario: str,
    runs: int,
    seed: int,
    grid: tuple[str, ...],
    reach: str | None,
    workers: int | None,
    csv_path: str | None,
    quiet: bool,
    variants: tuple[str, ...],
    sets: tuple[str, ...],
    without: tuple[str, ...],
    skip: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
) -> None:
    """Run an uncertain scenario many times: how often each ending, and why.

    Each run draws the scenario's uncertain parts (events with 'p' or
    'jitter', facts with 'draw') from its own seed, derived from S and the
    run's number: the same S gives the same numbers whatever --workers is,
    and a run's seed (in --csv) replays it alone with 'negsim replay --seed'.

    \b
    Examples:
      negsim sweep aleppo-uncertain --runs 10000 --seed 1
      negsim sweep aleppo-uncertain --reach reinstated --grid checkpoints_open=true,false
      negsim sweep aleppo-uncertain --runs 100000 --csv runs.csv
    """
    import math

    import negsim
    from .render.sweep import render_sweep_json, render_sweep_text
    from .sweep import csv_header, default_workers, parse_grid
    from .sweep import sweep as run_sweep

    sc = negsim.load(scenario, set=sets, without=without, skip=skip, variants=variants)
    if reach is not None:
        _check_state(sc, reach)
    axes = parse_grid(grid, sc)
    from .outputs import check_target

    if output is not None and output != "-":  # refuse now, not after a long sweep
        check_target(output, force=force)
    if csv_path is not None:
        check_target(csv_path, force=force, option="--csv")
    if not sc.uncertain and not quiet:
        click.echo(f"note: '{sc.id}' draws nothing at random, so every run is the same", err=True)
    total = runs * math.prod(len(v) for _, v in axes)
    bar = None
    if not quiet and total >= 50_000 and sys.stderr.isatty():
        bar = click.progressbar(length=total, label="runs", file=sys.stderr, show_eta=True)
        bar.__enter__()
    try:
        if csv_path is not None:
            from .outputs import atomic

            with atomic(csv_path, force=force, option="--csv") as fh:
                fh.write(csv_header(reach).encode())
                result = run_sweep(
                    sc, runs, seed, grid=axes, reach=reach, workers=workers or default_workers(),
                    rows=lambda text: fh.write(text.encode("utf-8")), progress=bar.update if bar else None,
                )
                if not result.complete:
                    raise KeyboardInterrupt  # leave no half-written file behind
        else:
            result = run_sweep(
                sc, runs, seed, grid=axes, reach=reach, workers=workers or default_workers(),
                progress=bar.update if bar else None,
            )
    except KeyboardInterrupt:
        if bar:
            bar.__exit__(None, None, None)
        click.echo(f"Interrupted: {csv_path} was not written.", err=True)
        click.get_current_context().exit(130)
    if bar:
        bar.__exit__(None, None, None)
    if csv_path is not None:
        click.echo(f"wrote {csv_path}", err=True)
    text = render_sweep_json(result) if fmt == "json" else render_sweep_text(result)
    _emit(text, output, force)
    if not result.complete:
        done = sum(p.runs for p in result.points)
        click.echo(f"Interrupted: {done:,} of {total:,} runs finished; the results above cover them.", err=True)
        click.get_current_context().exit(130)


# --- exercises: negsim exercise play | brief | check -------------------------------


@cli.group()
def exercise() -> None:
    """Classroom exercises: play one, print the facilitator's sheet, check one.

    \b
    Examples:
      negsim exercise brief aleppo-mediators-exercise
      negsim exercise play aleppo-mediators-exercise
      negsim exercise check aleppo-mediators-exercise
    """


def _load_exercise(name: str):  # noqa: ANN202
    from .catalog import resolve
    from .exercise import load_exercise

    return load_exercise(resolve(name, "exercise"))


@exercise.command()
@click.argument("exercise_file", metavar="EXERCISE")
@click.option("--role", "roles", multiple=True, metavar="ROLE", help="A role played at this terminal; repeatable (default: every role).")
@click.option("--answers", metavar="FILE", help="Take every decision from FILE (YAML or JSON: inject id -> option number or label); no prompts.")
@click.option("--resume", metavar="FILE", help="Continue a session saved with 'save FILE'.")
@click.option("--transcript", metavar="FILE", help="Write the run (decisions, trace, objectives) as JSON to FILE.")
@click.option("--debrief", "debrief_file", metavar="FILE", help="Write the debrief as Markdown to FILE.")
@click.option("--force", is_flag=True, help="Allow --transcript and --debrief to replace existing files.")
def play(
    exercise_file: str,
    roles: tuple[str, ...],
    answers: str | None,
    resume: str | None,
    transcript: str | None,
    debrief_file: str | None,
    force: bool,
) -> None:
    """Play an exercise: the brief, then each inject in time order, then the debrief.

    At each decision, answer with an option's number or label; type 'help'
    for the facilitator's commands (state, conditions, skip, fire ID, undo,
    save FILE, quit). End of input stops the exercise with status 1.

    \b
    Examples:
      negsim exercise play aleppo-mediators-exercise
      negsim exercise play aleppo-mediators-exercise --role russia
      negsim exercise play aleppo-mediators-exercise --answers answers.yaml --transcript run.json
    """
    from .debrief import debrief
    from .errors import did_you_mean
    from .play import EndOfInput, Stopped, load_answers
    from .play import play as run_play
    from .render.exercise import render_debrief_markdown, render_debrief_text, render_opening, transcript_json
    from .session import Session
    from .session import resume as resume_session

    ex = _load_exercise(exercise_file)
    for r in roles:
        if r not in ex.roles:
            raise UsageError(f"--role: '{r}' is not a role of exercise '{ex.id}'{did_you_mean(r, ex.roles)} (roles: {', '.join(ex.roles)})")
    for path in (transcript, debrief_file):  # refuse before play, not after an hour of it
        if path and os.path.exists(path) and os.path.isfile(path) and not force:
            raise UsageError(f"{path} already exists; use --force to overwrite it")
    scripted = load_answers(answers, ex) if answers else None
    if resume:
        session = resume_session(ex, resume)
        if roles:
            session = session._replace(roles=tuple(dict.fromkeys(roles)))
    else:
        session = Session(ex, tuple(dict.fromkeys(roles)) or tuple(ex.roles))
    click.echo(render_opening(session), nl=False)
    if resume:
        click.echo(f"\nResumed from {resume}: {_count(len(session.actions), 'action')} already taken.")
    stdin = click.get_text_stream("stdin")

    def read() -> str | None:
        line = stdin.readline()
        return line if line else None

    try:
        session = run_play(session, echo=lambda t: click.echo(t, nl=False), read=read, answers=scripted, answers_path=answers or "")
    except EndOfInput as exc:
        click.echo("")
        click.echo(f"negsim: {exc}", err=True)
        click.get_current_context().exit(EXIT_INPUT)
    except Stopped as exc:
        click.echo(f"negsim: {exc}", err=True)
        return
    except KeyboardInterrupt:
        click.echo("")
        click.echo("Interrupted: the exercise stops here, without a debrief.", err=True)
        click.get_current_context().exit(130)
    click.echo("\nEnd of the exercise.")
    result = debrief(session)
    click.echo(render_debrief_text(result), nl=False)
    if transcript:
        _emit(transcript_json(session, result), transcript, force)
    if debrief_file:
        _emit(render_debrief_markdown(result), debrief_file, force)


@exercise.command()
@click.argument("exercise_file", metavar="EXERCISE")
@click.option("--format", "fmt", type=click.Choice(["markdown", "csv"]), default="markdown", show_default=True, help="A Markdown sheet, or a CSV master scenario events list.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal.")
@click.option("--force", is_flag=True, help="Allow -o to replace an existing file.")
def brief(exercise_file: str, fmt: str, output: str | None, force: bool) -> None:
    """The facilitator's sheet: brief, roles, injects and objectives.

    \b
    Examples:
      negsim exercise brief aleppo-mediators-exercise
      negsim exercise brief aleppo-mediators-exercise --format csv -o msel.csv
    """
    from .render.exercise import render_brief_csv, render_brief_markdown

    ex = _load_exercise(exercise_file)
    _emit(render_brief_csv(ex) if fmt == "csv" else render_brief_markdown(ex), output, force)


@exercise.command()
@click.argument("exercise_file", metavar="EXERCISE")
def check(exercise_file: str) -> None:
    """Play every combination of choices; report branches, endings and authoring problems.

    Exits with status 1 when an option changes nothing, an inject is never
    reached or an objective is never met.

    \b
    Example:
      negsim exercise check aleppo-mediators-exercise
    """
    from .exercise_check import check_exercise
    from .render.exercise import check_problems, render_check_text

    report = check_exercise(_load_exercise(exercise_file))
    click.echo(render_check_text(report), nl=False)
    problems = check_problems(report)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        click.get_current_context().exit(EXIT_INPUT)
    click.echo("No authoring problems found.")


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
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal.")
@click.option("--force", is_flag=True, help="Allow -o to replace an existing file.")
def schema(kind: str, output: str | None, force: bool) -> None:
    """Print the JSON Schema of a file format: KIND is scenario or variant.

    Editors use it to complete and check files as they are typed (see
    docs/how-to/editor-setup.md). The schema checks the shape of a file;
    'negsim validate' also checks what refers to what.

    \b
    Examples:
      negsim schema scenario
      negsim schema variant -o variant.schema.json
    """
    from .schema import schema_text

    _emit(schema_text(kind), output, force)


def main() -> None:
    """Console entry point."""
    cli(prog_name="negsim")

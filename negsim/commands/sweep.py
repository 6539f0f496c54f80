"""The `negsim sweep` command, loaded only when used (see cli.NegsimGroup)."""

from __future__ import annotations

import contextlib
import os
import sys

import click

from ..cli import UsageError, _check_state, _emit, output_options, whatif_options


@click.command()
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
    from ..render.sweep import render_sweep_json, render_sweep_text
    from ..sweep import csv_header, default_workers, parse_grid
    from ..sweep import sweep as run_sweep

    sc = negsim.load(scenario, set=sets, without=without, skip=skip, variants=variants)
    if reach is not None:
        _check_state(sc, reach)
    axes = parse_grid(grid, sc)
    from ..outputs import check_target

    if output is not None and output != "-":  # refuse now, not after a long sweep
        check_target(output, force=force)
    if csv_path is not None:
        if csv_path == "-":
            raise UsageError("--csv needs a file name: the table goes to the terminal, the rows to the file")
        check_target(csv_path, force=force, option="--csv")
        if output is not None and output != "-" and os.path.realpath(output) == os.path.realpath(csv_path):
            raise UsageError(f"-o and --csv both name {output}; give them different files")
    fixed = {s.partition("=")[0].strip() for s in sets}
    for fid, _ in axes:
        if fid in fixed:
            raise UsageError(f"--grid: '{fid}' is also given with --set; use one or the other")
    if not sc.uncertain and not quiet:
        click.echo(f"note: '{sc.id}' draws nothing at random, so every run is the same", err=True)
    total = runs * math.prod(len(v) for _, v in axes)
    try:
        with contextlib.ExitStack() as stack:
            bar = None
            if not quiet and total >= 50_000 and sys.stderr.isatty():
                bar = stack.enter_context(click.progressbar(length=total, label="runs", file=sys.stderr, show_eta=True))
            rows = None
            if csv_path is not None:
                from ..outputs import atomic

                fh = stack.enter_context(atomic(csv_path, force=force, option="--csv"))
                fh.write(csv_header(reach).encode())
                rows = lambda text: fh.write(text.encode("utf-8"))  # noqa: E731
            result = run_sweep(
                sc, runs, seed, grid=axes, reach=reach, workers=workers or default_workers(),
                rows=rows, progress=bar.update if bar else None,
            )
            if rows is not None and not result.complete:
                raise KeyboardInterrupt  # leaving the block this way discards the half-written CSV
    except KeyboardInterrupt:
        if csv_path is None:
            raise
        click.echo(f"Interrupted: {csv_path} was not written.", err=True)
        click.get_current_context().exit(130)
    if csv_path is not None:
        click.echo(f"wrote {csv_path}", err=True)
    text = render_sweep_json(result) if fmt == "json" else render_sweep_text(result)
    _emit(text, output, force)
    if not result.complete:
        done = sum(p.runs for p in result.points)
        click.echo(f"Interrupted: {done:,} of {total:,} runs finished; the results above cover them.", err=True)
        click.get_current_context().exit(130)

"""The `negsim diagram and report` commands, loaded only when used (see cli.NegsimGroup)."""

from __future__ import annotations

import sys

import click

from ..cli import SEED, NegsimError, UsageError, _check_seed, _emit, file_options, whatif_options


@click.command()
@click.argument("scenario")
@whatif_options
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid", "dot", "svg", "png"]),
    help="Mermaid or DOT text (nothing to install), or SVG/PNG drawn by Graphviz (the negsim[graphviz] extra). "
    "Default: from the suffix of -o (.png, .svg, .dot or .gv), otherwise mermaid.",
)
@click.option("--path", "with_path", is_flag=True, help="Replay the scenario; mark the path taken and the blocked transitions.")
@SEED
@file_options
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
    from ..diagram import build, render, to_dot, to_mermaid

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
        from ..outputs import write_bytes

        write_bytes(output, data, force=force)
        click.echo(f"wrote {output}", err=True)


REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@click.command()
@click.argument("scenario")
@whatif_options
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), help="html or md (default: from the suffix of -o).")
@click.option(
    "--layout", type=click.Choice(["auto", "graphviz", "grandalf"]), default="auto", show_default=True,
    help="Who lays out the HTML report's diagram: Graphviz when installed (auto), or grandalf.",
)
@SEED
@click.option("--runs", type=click.IntRange(1, 10_000_000), metavar="N", help="Add a sweep of N runs: the share of runs ending in each state, as a bar chart.")
@file_options
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
    --runs N adds a sweep (with the same seed, 0 if none is given) of how
    often each ending comes.

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
    if output is not None and output != "-":  # refuse now, not after the work
        from ..outputs import check_target

        check_target(output, force=force)
    if runs is not None and seed is None:
        seed = 0  # the sweep's default seed; the report tells that seed's run
    if layout == "graphviz" and fmt == "html":
        from ..diagram import GRAPHVIZ_MISSING, graphviz_available

        if not graphviz_available():
            raise NegsimError(GRAPHVIZ_MISSING.format(what="--layout graphviz"))
    import negsim
    from ..compare import compare as compare_runs
    from ..compare import run_of
    from ..report import build
    from ..variant import load_variant

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
        from ..sweep import default_workers
        from ..sweep import sweep as run_sweep

        result = run_sweep(base, runs, seed, workers=default_workers())
        outcomes = ({state: share.count for state, share in result.points[0].finals}, runs)
    made = build(base, comparisons, outcomes, seed)
    if fmt == "html":
        from ..render.report_html import render_report_html

        text = render_report_html(made, layout)
    else:
        from ..render.report_md import render_report_md

        text = render_report_md(made)
    _emit(text, output, force)

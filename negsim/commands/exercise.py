"""The `negsim exercise` command, loaded only when used (see cli.NegsimGroup)."""

from __future__ import annotations

import os
import sys

import click

from ..cli import EXIT_INPUT, UsageError, _count, _emit, file_options


@click.group()
def exercise() -> None:
    """Classroom exercises: play one, print the facilitator's sheet, check one.

    \b
    Examples:
      negsim exercise brief aleppo-mediators-exercise
      negsim exercise play aleppo-mediators-exercise
      negsim exercise check aleppo-mediators-exercise
    """


def _load_exercise(name: str):  # noqa: ANN202
    from ..catalog import resolve
    from ..exercise import load_exercise

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
    from ..debrief import debrief
    from ..errors import did_you_mean
    from ..play import EndOfInput, Stopped, load_answers
    from ..play import play as run_play
    from ..render.exercise import render_debrief_markdown, render_debrief_text, render_opening, transcript_json
    from ..session import Session
    from ..session import resume as resume_session

    ex = _load_exercise(exercise_file)
    for r in roles:
        if r not in ex.roles:
            raise UsageError(f"--role: '{r}' is not a role of exercise '{ex.id}'{did_you_mean(r, ex.roles)} (roles: {', '.join(ex.roles)})")
    from ..outputs import check_target

    for path, option in ((transcript, "--transcript"), (debrief_file, "--debrief")):  # refuse before play, not after an hour of it
        if path:
            check_target(path, force=force, option=option)
    if transcript and debrief_file and os.path.realpath(transcript) == os.path.realpath(debrief_file):
        raise UsageError(f"--transcript and --debrief both name {transcript}; give them different files")
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
    stdin = getattr(sys.stdin, "buffer", None)  # bytes, so that input in another encoding cannot crash

    def read() -> str | None:
        line = stdin.readline() if stdin is not None else sys.stdin.readline()
        if not line:
            return None
        return line.decode("utf-8", "replace") if isinstance(line, bytes) else line

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
@file_options
def brief(exercise_file: str, fmt: str, output: str | None, force: bool) -> None:
    """The facilitator's sheet: brief, roles, injects and objectives.

    \b
    Examples:
      negsim exercise brief aleppo-mediators-exercise
      negsim exercise brief aleppo-mediators-exercise --format csv -o msel.csv
    """
    from ..render.exercise import render_brief_csv, render_brief_markdown

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
    from ..exercise_check import check_exercise
    from ..render.exercise import check_problems, render_check_text

    report = check_exercise(_load_exercise(exercise_file))
    click.echo(render_check_text(report), nl=False)
    problems = check_problems(report)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        click.get_current_context().exit(EXIT_INPUT)
    click.echo("No authoring problems found.")
